using System.Net;
using Weft.Core.Identity;
using Weft.Core.Net;
using Weft.Core.Node;
using Weft.Core.Tests.Node;
using Weft.Tests;

namespace Weft.Core.Tests.Discovery;

/// <summary>
/// Mesh nodes on one simulated LAN: every node has its own IPv6 link-local address (scope id 7) and
/// the default port 51820 on an <see cref="InMemoryNetwork"/>; each node's <see cref="FakeLanAnnouncer"/>
/// delivers its beacon to every other node on the LAN as the multicast group would. Each node may
/// have a <see cref="MemoryPeerCache"/> that survives its restarts.
/// </summary>
internal sealed class LanTestMesh : IDisposable
{
    public const int Port = 51820;
    private const int ScopeId = 7;

    private readonly List<LanNode> nodes = [];
    private int nextHost = 1;

    public LanTestMesh()
    {
        Ca = CertificateAuthority.Create("lan", IPNetwork.Parse("100.90.0.0/16"), "lan.weft", TimeSpan.FromDays(3650), Time);
    }

    public ManualTimeProvider Time { get; } = new();

    public InMemoryNetwork Network { get; } = new();

    public CertificateAuthority Ca { get; }

    /// <summary>Link-local endpoints that receive the LAN's beacons (the multicast group's members).</summary>
    public List<IPEndPoint> GroupMembers { get; } = [];

    /// <summary>A node on the LAN with a certificate from <paramref name="ca"/> (this mesh's by default).</summary>
    public LanNode AddNode(string name, CertificateAuthority? ca = null, MemoryPeerCache? cache = null, bool announce = true)
    {
        ca ??= Ca;
        var host = nextHost++;
        var keys = NodeKeys.Generate();
        var certificate = ca.Sign(JoinRequest.Create(keys, name), name, [], [], IPAddress.Parse($"100.90.0.{host + 1}"),
                                  TimeSpan.FromDays(30), Time.GetUtcNow());
        var endpoint = new IPEndPoint(IPAddress.Parse($"fe80::{host:x}%{ScopeId}"), Port);
        return Start(name, keys, certificate, ca.Certificate, endpoint, cache, announce);
    }

    /// <summary>Stops <paramref name="old"/> and starts it again with the same identity, endpoint and cache, but no memory.</summary>
    /// <paramref name="editCache"/> runs between the stop (which saves the cache) and the start.
    public LanNode Restart(LanNode old, bool announce = true, Action<MemoryPeerCache>? editCache = null)
    {
        old.Node.Dispose();
        nodes.Remove(old);
        GroupMembers.Remove(old.Endpoint);
        if (old.Cache is not null)
        {
            editCache?.Invoke(old.Cache);
        }

        return Start(old.Name + "'", old.Keys, old.Certificate, old.CaCertificate, old.Endpoint, old.Cache, announce);
    }

    private LanNode Start(string name, NodeKeys keys, Certificate certificate, CaCertificate ca, IPEndPoint endpoint,
                          MemoryPeerCache? cache, bool announce)
    {
        var tun = new CapturingTun();
        var logs = new ListLoggerFactory(name);
        var announcer = announce ? new FakeLanAnnouncer(this, endpoint) : null;
        var node = new MeshNode(keys, certificate, ca, new MeshNodeOptions { ListenPort = endpoint.Port }, Network.Port(endpoint), tun,
                                Time, logs, lan: announcer, cache: cache);
        Network.Attach(endpoint, node.OnDatagram);
        GroupMembers.Add(endpoint);
        var lanNode = new LanNode(new TestNode(name.TrimEnd('\''), node, keys, certificate, endpoint, tun, logs), ca, announcer, cache);
        nodes.Add(lanNode);
        return lanNode;
    }

    public static void Step(string text) => Xunit.TestContext.Current.TestOutputHelper?.WriteLine(text);

    public void Pump() => Network.Pump();

    /// <summary>Lets <paramref name="duration"/> pass in 100 ms steps: every node ticks, the network delivers.</summary>
    public void Run(TimeSpan duration)
    {
        Pump();
        for (var t = TimeSpan.Zero; t < duration; t += TimeSpan.FromMilliseconds(100))
        {
            Time.Advance(TimeSpan.FromMilliseconds(100));
            foreach (var node in nodes.ToArray())
            {
                node.Node.Tick();
            }

            Pump();
        }
    }

    /// <summary>Runs until <paramref name="done"/> holds (checked every 100 ms) or <paramref name="limit"/> passes; returns the time it took.</summary>
    public TimeSpan RunUntil(Func<bool> done, TimeSpan limit)
    {
        var start = Time.GetUtcNow();
        Pump();
        while (!done() && Time.GetUtcNow() - start < limit)
        {
            Run(TimeSpan.FromMilliseconds(100));
        }

        return Time.GetUtcNow() - start;
    }

    public void Dispose()
    {
        foreach (var node in nodes)
        {
            node.Node.Dispose();
        }
    }
}

/// <summary>A node of a <see cref="LanTestMesh"/>: the usual test node plus its announcer and cache.</summary>
internal sealed record LanNode(TestNode Test, CaCertificate CaCertificate, FakeLanAnnouncer? Announcer, MemoryPeerCache? Cache)
{
    public string Name => Test.Name;

    public MeshNode Node => Test.Node;

    public NodeKeys Keys => Test.Keys;

    public Certificate Certificate => Test.Certificate;

    public IPEndPoint Endpoint => Test.Endpoint;

    public NodeCounters Counters => Test.Counters;

    public PeerStatus? Peer(LanNode other) => Test.Peer(other.Test);

    public override string ToString() => Name;
}

/// <summary>Multicast on the in-memory LAN: a beacon goes to every other member of the group, from the sender's endpoint.</summary>
internal sealed class FakeLanAnnouncer(LanTestMesh lan, IPEndPoint local) : ILanAnnouncer
{
    public List<byte[]> Sent { get; } = [];

    public void Announce(ReadOnlySpan<byte> beacon)
    {
        Sent.Add(beacon.ToArray());
        foreach (var member in lan.GroupMembers)
        {
            if (!member.Equals(local))
            {
                lan.Network.Send(beacon, local, member);
            }
        }
    }
}

/// <summary>A peer cache in memory that outlives node restarts; counts loads and saves.</summary>
internal sealed class MemoryPeerCache : IPeerCacheStore
{
    public IReadOnlyList<CachedPeer> Peers { get; set; } = [];

    public int Loads { get; private set; }

    public int Saves { get; private set; }

    public IReadOnlyList<CachedPeer> Load()
    {
        Loads++;
        return Peers;
    }

    public void Save(IReadOnlyList<CachedPeer> peers)
    {
        Saves++;
        Peers = [.. peers];
    }
}
