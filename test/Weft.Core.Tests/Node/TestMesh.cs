using System.Net;
using Weft.Core.Identity;
using Weft.Core.Node;
using Weft.Core.WireGuard;
using Weft.Tests;
using Xunit;

namespace Weft.Core.Tests.Node;

/// <summary>
/// Mesh nodes with real identities on an <see cref="InMemoryNetwork"/>, driven by a
/// <see cref="ManualTimeProvider"/>: the stage the node scenarios play on.
/// </summary>
internal sealed class TestMesh : IDisposable
{
    private readonly List<TestNode> nodes = [];
    private int nextHost = 1;

    public TestMesh()
    {
        Ca = CertificateAuthority.Create("test", IPNetwork.Parse("100.90.0.0/16"), "test.weft", TimeSpan.FromDays(3650), Time);
    }

    public ManualTimeProvider Time { get; } = new();

    public InMemoryNetwork Network { get; } = new();

    /// <summary>TCP/TLS between the nodes; nodes get a connector only when added with <c>streams: true</c>.</summary>
    public Weft.Core.Tests.Net.FakeStreamNetwork Streams { get; } = new();

    public CertificateAuthority Ca { get; }

    public static void Step(string text) => TestContext.Current.TestOutputHelper?.WriteLine(text);

    /// <summary>A node with a certificate from <paramref name="ca"/> (this mesh's CA by default).</summary>
    public TestNode AddNode(string name, CertificateAuthority? ca = null, TimeSpan? validity = null,
                            IReadOnlyList<IPNetwork>? subnets = null, Action<MeshNodeOptions>? configure = null,
                            bool streams = false)
    {
        ca ??= Ca;
        var host = nextHost++;
        var keys = NodeKeys.Generate();
        var request = JoinRequest.Create(keys, name);
        var ipv4 = IPAddress.Parse($"100.90.0.{host + 1}");
        var certificate = ca.Sign(request, name, [], [], ipv4, validity ?? TimeSpan.FromDays(30), Time.GetUtcNow(), subnets);
        var endpoint = new IPEndPoint(IPAddress.Loopback, 51000 + host);
        var tun = new CapturingTun();
        var logs = new ListLoggerFactory(name);
        var options = new MeshNodeOptions { ListenPort = endpoint.Port };
        configure?.Invoke(options);
        var connector = streams ? Streams.ConnectorFor(endpoint) : null;
        var node = new MeshNode(keys, certificate, ca.Certificate, options,
                                Network.Port(endpoint), tun, Time, logs, streams: connector);
        Network.Attach(endpoint, node.OnDatagram);
        if (connector is not null)
        {
            connector.Handler = node;
            Streams.Listen(endpoint, Weft.Core.Net.TransportKind.Tcp, node);   // every node takes TCP on its UDP port
        }

        var testNode = new TestNode(name, node, keys, certificate, endpoint, tun, logs);
        nodes.Add(testNode);
        return testNode;
    }

    /// <summary>Stops <paramref name="old"/> and starts it again with the same keys, certificate and endpoint but no memory.</summary>
    public TestNode Restart(TestNode old, Action<MeshNodeOptions>? configure = null)
    {
        old.Node.Dispose();
        nodes.Remove(old);
        var options = new MeshNodeOptions { ListenPort = old.Endpoint.Port };
        configure?.Invoke(options);
        var tun = new CapturingTun();
        var logs = new ListLoggerFactory(old.Name + "'");
        var node = new MeshNode(old.Keys, old.Certificate, Ca.Certificate, options, Network.Port(old.Endpoint), tun, Time, logs);
        Network.Attach(old.Endpoint, node.OnDatagram);
        var fresh = old with { Node = node, Tun = tun, Logs = logs };
        nodes.Add(fresh);
        return fresh;
    }

    /// <summary>Delivers everything in flight (datagrams and stream events).</summary>
    public void Pump()
    {
        for (var i = 0; i < 100 && Network.Pump() + Streams.Pump() > 0; i++)
        {
        }
    }

    /// <summary>Lets <paramref name="duration"/> pass in 100 ms steps: every node ticks, the network delivers.</summary>
    public void Run(TimeSpan duration)
    {
        Pump();
        for (var t = TimeSpan.Zero; t < duration; t += TimeSpan.FromMilliseconds(100))
        {
            Time.Advance(TimeSpan.FromMilliseconds(100));
            foreach (var node in nodes)
            {
                node.Node.Tick();
            }

            Pump();
        }
    }

    public void Dispose()
    {
        foreach (var node in nodes)
        {
            node.Node.Dispose();
        }
    }
}

/// <summary>One node of a <see cref="TestMesh"/> and what the test needs to poke at it.</summary>
internal sealed record TestNode(string Name, MeshNode Node, NodeKeys Keys, Certificate Certificate, IPEndPoint Endpoint,
                                CapturingTun Tun, ListLoggerFactory Logs)
{
    private readonly byte[] tunBuffer = new byte[WireGuardDevice.HeadRoom + 2048 + WireGuardDevice.TailRoom];

    public IPAddress Ipv4 => Certificate.Ipv4[0].Address;

    public IPAddress Ipv6 => Certificate.Ipv6;

    /// <summary>Hands <paramref name="packet"/> to the node as if read from its TUN device (no allocation).</summary>
    public void FromTun(ReadOnlySpan<byte> packet)
    {
        packet.CopyTo(tunBuffer.AsSpan(WireGuardDevice.HeadRoom));
        Node.OnTunPacket(tunBuffer, WireGuardDevice.HeadRoom, packet.Length);
    }

    public PeerStatus? Peer(TestNode other)
    {
        var id = other.Keys.NodeId.ToString();
        foreach (var peer in Node.GetStatus().Peers)
        {
            if (peer.NodeId == id)
            {
                return peer;
            }
        }

        return null;
    }

    public NodeCounters Counters => Node.GetStatus().Counters;

    public override string ToString() => Name;
}
