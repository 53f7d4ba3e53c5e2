using System.Net;

namespace Weft.Simulation;

/// <summary>
/// A network hosts attach to: "the internet", or a LAN behind a <see cref="NatRouter"/>. Any
/// attached host reaches any other directly; a LAN also has a gateway (its router) for everything
/// outside its prefix. A segment created by <see cref="SimNetwork.AddSegment(string, LinkProfile, IPNetwork?, IPNetwork?)"/>
/// is a transit network: every address is on-link, and addresses behind firewall-only routers are
/// reached through routes those routers add.
/// </summary>
/// <remarks>
/// Link behaviour is <see cref="Profile"/>, applied to what each attachment transmits (an attachment
/// may override it). The whole segment can be cut and healed, or partitioned into sides that
/// cannot reach each other; datagrams already in flight across a cut are dropped when they arrive.
/// </remarks>
public sealed class Segment
{
    private readonly Dictionary<SimAddress, HostInterface> byAddress = [];
    private readonly List<HostInterface> attachments = [];
    private readonly List<(SimPrefix Prefix, HostInterface Via)> routes = [];
    private Dictionary<(HostInterface, HostInterface), long>? pairLatency;
    private LinkProfile profile;
    private ulong nextV4 = 1;
    private ulong nextV6 = 1;

    internal Segment(SimNetwork network, string name, LinkProfile profile, SimPrefix ipv4, SimPrefix? ipv6, bool isTransit)
    {
        profile.Validate();
        Network = network;
        Name = name;
        this.profile = profile;
        V4Prefix = ipv4;
        V6Prefix = ipv6;
        IsTransit = isTransit;
    }

    public SimNetwork Network { get; }

    public string Name { get; }

    /// <summary>How the links on this segment behave; assign a new one at any time.</summary>
    public LinkProfile Profile
    {
        get => profile;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            value.Validate();
            profile = value;
        }
    }

    public IPNetwork Ipv4Prefix => V4Prefix.ToIPNetwork();

    public IPNetwork? Ipv6Prefix => V6Prefix?.ToIPNetwork();

    /// <summary>False while the whole segment is cut.</summary>
    public bool IsUp { get; private set; } = true;

    /// <summary>Datagrams put on this segment's links, those that arrived, and link-level drops.</summary>
    public TrafficCounters Counters { get; } = new();

    /// <summary>The hosts attached, in the order they attached.</summary>
    public IEnumerable<Host> Hosts
    {
        get
        {
            foreach (var a in attachments)
            {
                yield return a.Host;
            }
        }
    }

    /// <summary>The router this segment is the inside of, if any.</summary>
    public NatRouter? Router { get; internal set; }

    internal SimPrefix V4Prefix { get; }

    internal SimPrefix? V6Prefix { get; }

    internal bool IsTransit { get; }

    /// <summary>Attaches a new host with the next free addresses (or the ones given).</summary>
    public Host AddHost(string name, IPAddress? ipv4 = null, IPAddress? ipv6 = null)
    {
        var host = new Host(Network, name);
        Network.Register(host);
        Attach(host, ipv4, ipv6);
        return host;
    }

    /// <summary>Cuts the whole segment: nothing crosses it until <see cref="Heal"/>.</summary>
    public void Cut() => IsUp = false;

    /// <summary>Reconnects the segment and removes any partition.</summary>
    public void Heal()
    {
        IsUp = true;
        foreach (var a in attachments)
        {
            a.Side = 0;
        }
    }

    /// <summary>
    /// Splits the segment in two: <paramref name="side"/> on one side, every other host on the
    /// other. Datagrams between the sides are dropped (reason Cut) until <see cref="Heal"/>.
    /// </summary>
    public void Partition(params Host[] side)
    {
        ArgumentNullException.ThrowIfNull(side);
        foreach (var a in attachments)
        {
            a.Side = 0;
        }

        foreach (var host in side)
        {
            (host.InterfaceOn(this) ?? throw new ArgumentException($"{host.Name} is not attached to {Name}.", nameof(side))).Side = 1;
        }
    }

    /// <summary>
    /// Sets the one-way latency between two attached hosts, both directions, in place of the
    /// profile's <see cref="LinkProfile.Latency"/> (jitter, loss and bandwidth still apply): a
    /// geography, so routing tests can have near and far peers on one internet.
    /// </summary>
    public void SetLatency(Host first, Host second, TimeSpan latency)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        ArgumentOutOfRangeException.ThrowIfLessThan(latency, TimeSpan.Zero);
        var a = first.InterfaceOn(this) ?? throw new ArgumentException($"{first.Name} is not attached to {Name}.", nameof(first));
        var b = second.InterfaceOn(this) ?? throw new ArgumentException($"{second.Name} is not attached to {Name}.", nameof(second));
        pairLatency ??= [];
        pairLatency[(a, b)] = latency.Ticks;
        pairLatency[(b, a)] = latency.Ticks;
    }

    public override string ToString() => Name;

    /// <summary>The latency for a datagram from <paramref name="from"/> to <paramref name="to"/>, in ticks.</summary>
    internal long LatencyTicks(HostInterface from, HostInterface to, LinkProfile link) =>
        pairLatency is not null && pairLatency.TryGetValue((from, to), out var ticks) ? ticks : link.Latency.Ticks;

    internal HostInterface Attach(Host host, IPAddress? ipv4, IPAddress? ipv6)
    {
        var v4 = ipv4 is null ? NextFree(V4Prefix, ref nextV4) : Claim(V4Prefix, ipv4);
        SimAddress? v6 = null;
        if (V6Prefix is { } p6)
        {
            v6 = ipv6 is null ? NextFree(p6, ref nextV6) : Claim(p6, ipv6);
        }
        else if (ipv6 is not null)
        {
            throw new ArgumentException($"Segment {Name} has no IPv6 prefix.", nameof(ipv6));
        }

        var attachment = new HostInterface(host, this, v4, v6);
        if (Router is { } router && router.InsideInterface is { } gw)
        {
            attachment.Gateway4 = gw.V4;
            attachment.Gateway6 = gw.V6;
        }

        byAddress.Add(v4, attachment);
        if (v6 is { } a6)
        {
            byAddress.Add(a6, attachment);
        }

        attachments.Add(attachment);
        host.AddInterface(attachment);
        return attachment;
    }

    internal void Detach(HostInterface attachment)
    {
        if (attachment.V4 is { } a4)
        {
            byAddress.Remove(a4);
        }

        if (attachment.V6 is { } a6)
        {
            byAddress.Remove(a6);
        }

        attachments.Remove(attachment);
        routes.RemoveAll(r => r.Via == attachment);
    }

    internal void AddRoute(SimPrefix prefix, HostInterface via) => routes.Add((prefix, via));

    /// <summary>The attachment that owns <paramref name="address"/>, or the router attachment with a route to it.</summary>
    internal HostInterface? Resolve(SimAddress address)
    {
        if (byAddress.TryGetValue(address, out var owner))
        {
            return owner;
        }

        foreach (var (prefix, via) in routes)
        {
            if (prefix.Contains(address))
            {
                return via;
            }
        }

        return null;
    }

    /// <summary>Whether a host here should send to <paramref name="address"/> directly rather than through a gateway.</summary>
    internal bool IsOnLink(SimAddress address) =>
        V4Prefix.Contains(address) || (V6Prefix is { } p6 && p6.Contains(address));

    private SimAddress NextFree(SimPrefix prefix, ref ulong next)
    {
        while (next <= prefix.HostCapacity)
        {
            var candidate = prefix.Network.Add(next++);
            if (!byAddress.ContainsKey(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"Segment {Name} has no free address left in {prefix}.");
    }

    private SimAddress Claim(SimPrefix prefix, IPAddress address)
    {
        var a = SimAddress.From(address);
        if (!prefix.Contains(a))
        {
            throw new ArgumentException($"{address} is not inside {Name}'s prefix {prefix}.", nameof(address));
        }

        if (byAddress.ContainsKey(a))
        {
            throw new ArgumentException($"{address} is already used on {Name}.", nameof(address));
        }

        return a;
    }
}
