using System.Net;
using Weft.Core.Net;

namespace Weft.Simulation;

/// <summary>
/// An in-process internet for tests: segments (the internet, LANs), hosts with UDP-like sockets,
/// links with delay, jitter, loss, bandwidth, duplication and reordering, NAT routers and
/// firewalls, all on one deterministic <see cref="VirtualClock"/> and one seed. The Weft core
/// runs on it unchanged: a node gets a <see cref="SimSocket"/> as its <see cref="IDatagramTransport"/>,
/// the <see cref="Clock"/> as its TimeProvider, and its host's <see cref="Host.Random"/>.
/// </summary>
/// <example>
/// <code>
/// var net = new SimNetwork(seed: 1);
/// var internet = net.AddSegment("internet", latency: TimeSpan.FromMilliseconds(20));
/// var home = net.AddNatRouter("home", internet, NatBehavior.PortRestrictedCone);
/// var a = home.Inside.AddHost("a");
/// var server = internet.AddHost("server");
/// var socket = a.Bind(51820);
/// var node = new MeshNode(..., transport: socket, tun, time: net.Clock, random: a.Random);
/// socket.StartReceiving(node.OnDatagram);
/// using var tick = net.Clock.Every(TimeSpan.FromMilliseconds(100), node.Tick);
/// Assert.True(net.RunUntil(() => ..., TimeSpan.FromSeconds(10)), net.Trace.Tail(50));
/// </code>
/// </example>
/// <remarks>
/// Addressing when not given: the k-th transit segment gets 20.k.0.0/16 and 2001:db8:k::/64;
/// the k-th NAT LAN gets 10.(k/256).(k%256).0/24 (and 2001:db8:c000+k::/64 if routedIpv6); the
/// k-th firewall-only LAN gets 21.(k/256).(k%256).0/24 and 2001:db8:8000+k::/64 (when its outside
/// has IPv6). The router takes
/// the first address of its LAN. Single-threaded: see <see cref="VirtualClock"/>.
/// </remarks>
public sealed class SimNetwork
{
    internal const int HopLimit = 32;
    private const int MaxPooledPackets = 1 << 16;

    private readonly Dictionary<string, Host> hosts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Segment> segments = new(StringComparer.Ordinal);
    private readonly Stack<SimPacket> pool = new();
    private int transitCount;
    private int natLanCount;
    private int firewallLanCount;

    public SimNetwork(int seed, bool trace = false, DateTimeOffset? start = null)
    {
        Seed = seed;
        Clock = new VirtualClock(start);
        Random = SeededRandom.ForStream(seed, "network");
        Trace = new SimTrace(Clock) { Enabled = trace };
    }

    public int Seed { get; }

    public VirtualClock Clock { get; }

    /// <summary>Randomness for the test itself (traffic patterns, choices), from the network's seed.</summary>
    public SeededRandom Random { get; }

    /// <summary>Totals over the whole network.</summary>
    public TrafficCounters Counters { get; } = new();

    public SimTrace Trace { get; }

    public IReadOnlyCollection<Host> Hosts => hosts.Values;

    public IReadOnlyCollection<Segment> Segments => segments.Values;

    /// <summary>Datagrams in flight or queued (scheduled arrivals not yet run), including timers.</summary>
    public int EventsPending => Clock.EventsPending;

    internal EndpointCache Endpoints { get; } = new();

    /// <summary>A transit segment ("the internet") with a simple link profile.</summary>
    public Segment AddSegment(string name, TimeSpan? latency = null, TimeSpan? jitter = null, double loss = 0,
        long bandwidth = 0, IPNetwork? ipv4 = null, IPNetwork? ipv6 = null) =>
        AddSegment(name, new LinkProfile
        {
            Latency = latency ?? TimeSpan.Zero,
            Jitter = jitter ?? TimeSpan.Zero,
            Loss = loss,
            Bandwidth = bandwidth,
        }, ipv4, ipv6);

    /// <summary>A transit segment ("the internet") with the given link profile.</summary>
    public Segment AddSegment(string name, LinkProfile profile, IPNetwork? ipv4 = null, IPNetwork? ipv6 = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var k = transitCount++;
        var v4 = ipv4 is { } n4 ? SimPrefix.From(n4) : new SimPrefix(SimAddress.FromV4((20u << 24) | ((uint)(k & 255) << 16)), 16);
        var v6 = ipv6 is { } n6 ? SimPrefix.From(n6) : new SimPrefix(new SimAddress(0x20010db800000000ul | ((ulong)(k & 0xffff) << 16), 0, true), 64);
        var segment = new Segment(this, name, profile, v4, v6, isTransit: true);
        Register(segment);
        return segment;
    }

    /// <summary>
    /// A router named <paramref name="name"/> on <paramref name="outside"/> with a new LAN behind
    /// it (<see cref="NatRouter.Inside"/>, named "<paramref name="name"/>-lan", with
    /// <paramref name="insideProfile"/> or a 1 ms ideal link). With <paramref name="routedIpv6"/>,
    /// a translating router's LAN also gets a routed IPv6 prefix that is not translated, only
    /// filtered statefully with the router's filtering behaviour (as home routers do); a
    /// firewall-only router's LAN always gets IPv6 when the outside has it.
    /// </summary>
    public NatRouter AddNatRouter(string name, Segment outside, NatBehavior behavior, LinkProfile? insideProfile = null,
        IPNetwork? insidePrefix = null, bool routedIpv6 = false)
    {
        ArgumentNullException.ThrowIfNull(outside);
        ArgumentNullException.ThrowIfNull(behavior);
        var firewall = behavior.Mode == NatMode.FirewallOnly;
        SimPrefix v4;
        SimPrefix? v6 = null;
        var lan = firewall ? firewallLanCount++ : natLanCount++;
        if (insidePrefix is { } given)
        {
            v4 = SimPrefix.From(given);
        }
        else
        {
            v4 = new SimPrefix(SimAddress.FromV4(((firewall ? 21u : 10u) << 24) | ((uint)(lan & 0xffff) << 8)), 24);
        }

        if ((firewall || routedIpv6) && outside.V6Prefix is not null)
        {
            var block = firewall ? 0x8000 + (lan & 0x3fff) : 0xc000 + (lan & 0x3fff);
            v6 = new SimPrefix(new SimAddress(0x20010db800000000ul | ((ulong)block << 16), 0, true), 64);
        }

        var router = new NatRouter(this, name, behavior);
        Register(router);
        var inside = new Segment(this, name + "-lan", insideProfile ?? new LinkProfile { Latency = TimeSpan.FromMilliseconds(1) },
            v4, v6, isTransit: false)
        {
            Router = router,
        };
        Register(inside);
        router.Connect(outside, inside, firewall, v6 is not null);
        return router;
    }

    /// <summary>
    /// A host named <paramref name="name"/> reached from <paramref name="outside"/> through the
    /// given routers, outermost first (none = a host directly on <paramref name="outside"/>).
    /// Routers are named "<paramref name="name"/>-nat1", "-nat2", ... So one scenario runs across
    /// topologies: <c>AddHostBehind("a", internet)</c>, <c>AddHostBehind("a", internet, NatBehavior.Symmetric)</c>,
    /// <c>AddHostBehind("a", internet, NatBehavior.Symmetric, NatBehavior.PortRestrictedCone)</c> (double NAT).
    /// </summary>
    public Host AddHostBehind(string name, Segment outside, params NatBehavior[] routers)
    {
        ArgumentNullException.ThrowIfNull(outside);
        ArgumentNullException.ThrowIfNull(routers);
        var segment = outside;
        for (var i = 0; i < routers.Length; i++)
        {
            segment = AddNatRouter(name + "-nat" + (i + 1), segment, routers[i]).Inside;
        }

        return segment.AddHost(name);
    }

    public Host GetHost(string name) =>
        hosts.TryGetValue(name, out var host) ? host : throw new KeyNotFoundException($"No host named {name}.");

    public Segment GetSegment(string name) =>
        segments.TryGetValue(name, out var segment) ? segment : throw new KeyNotFoundException($"No segment named {name}.");

    /// <summary>Randomness for code under test that is not tied to a host, on its own named stream.</summary>
    public SeededRandom CreateRandom(string stream) => SeededRandom.ForStream(Seed, stream);

    /// <summary>See <see cref="VirtualClock.RunFor"/>.</summary>
    public void RunFor(TimeSpan duration) => Clock.RunFor(duration);

    /// <summary>See <see cref="VirtualClock.RunUntil"/>.</summary>
    public bool RunUntil(Func<bool> condition, TimeSpan limit) => Clock.RunUntil(condition, limit);

    /// <summary>See <see cref="VirtualClock.RunUntil(Func{bool}, TimeSpan, TimeSpan)"/>.</summary>
    public bool RunUntil(Func<bool> condition, TimeSpan limit, TimeSpan checkInterval) => Clock.RunUntil(condition, limit, checkInterval);

    /// <summary>Every host's counters, one line each, for a failure message.</summary>
    public string DescribeCounters()
    {
        var text = new System.Text.StringBuilder();
        text.Append("network: ").Append(Counters).Append('\n');
        foreach (var s in segments.Values)
        {
            text.Append("segment ").Append(s.Name).Append(": ").Append(s.Counters).Append('\n');
        }

        foreach (var h in hosts.Values)
        {
            text.Append("host ").Append(h.Name).Append(": ").Append(h.Counters).Append('\n');
        }

        return text.ToString();
    }

    internal void Register(Host host)
    {
        if (!hosts.TryAdd(host.Name, host))
        {
            throw new ArgumentException($"A host named {host.Name} already exists.", nameof(host));
        }
    }

    internal void Register(Segment segment)
    {
        if (!segments.TryAdd(segment.Name, segment))
        {
            throw new ArgumentException($"A segment named {segment.Name} already exists.", nameof(segment));
        }
    }

    /// <summary>A pooled packet holding a copy of <paramref name="datagram"/>.</summary>
    internal SimPacket Rent(ReadOnlySpan<byte> datagram)
    {
        var packet = pool.Count > 0 ? pool.Pop() : new SimPacket(this);
        var needed = SimPacket.HeadRoom + datagram.Length + SimPacket.TailRoom;
        if (packet.Buffer.Length < needed)
        {
            packet.Buffer = new byte[needed];
        }

        datagram.CopyTo(packet.Buffer.AsSpan(SimPacket.HeadRoom));
        packet.Length = datagram.Length;
        packet.Hops = 0;
        packet.Ttl = HopLimit;
        packet.From = null;
        packet.Target = null;
        packet.LoopbackHost = null;
        return packet;
    }

    internal SimPacket Copy(SimPacket original)
    {
        var copy = Rent(original.Data);
        copy.Source = original.Source;
        copy.Destination = original.Destination;
        copy.Hops = original.Hops;
        copy.Ttl = original.Ttl;
        copy.From = original.From;
        copy.Target = original.Target;
        return copy;
    }

    internal void Release(SimPacket packet)
    {
        packet.From = null;
        packet.Target = null;
        packet.LoopbackHost = null;
        if (packet.Buffer.Length <= 4096 && pool.Count < MaxPooledPackets)
        {
            pool.Push(packet);
        }
    }

    /// <summary>Counts a drop on the host that decided it, the segment it happened on, and the network; releases the packet.</summary>
    internal void Drop(SimPacket packet, DropReason reason, Host? at, Segment? on, string? detail = null)
    {
        at?.Counters.CountDrop(reason);
        on?.Counters.CountDrop(reason);
        Counters.CountDrop(reason);
        if (Trace.Enabled)
        {
            var where = at is null ? on?.Name ?? "?" : on is null ? at.Name : at.Name + "@" + on.Name;
            Trace.Packet("drop", where, packet.Source, packet.Destination, packet.Length,
                detail is null ? "(" + reason + ")" : "(" + reason + ") " + detail);
        }

        Release(packet);
    }

    /// <summary>A packet's scheduled arrival at the far end of its link (or loopback delivery).</summary>
    internal void Arrive(SimPacket packet)
    {
        if (packet.Target is not { } target)
        {
            packet.LoopbackHost!.Deliver(packet);
            return;
        }

        var segment = target.Segment;
        var from = packet.From!;
        if (!segment.IsUp || !target.IsUp || !from.IsUp || from.Side != target.Side)
        {
            Drop(packet, DropReason.Cut, target.Host, segment);
            return;
        }

        segment.Counters.CountDelivered(packet.Length);
        target.Host.Receive(packet, target);
    }
}
