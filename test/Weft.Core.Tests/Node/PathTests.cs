using System.Net;
using Weft.Core.Net;
using Weft.Core.Paths;
using Xunit;

namespace Weft.Core.Tests.Node;

/// <summary>
/// Paths between real nodes on the in-memory network with fake TCP/TLS: mesh pings, status, the
/// UDP → TCP → TLS fallback, upgrades when a better transport works, and leaving a dead path.
/// </summary>
public class PathTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Mesh_ping_answers_with_the_direct_udp_path_and_status_shows_path_and_rtt()
    {
        using var mesh = new TestMesh();
        var a = mesh.AddNode("alpha");
        var b = mesh.AddNode("bravo");
        b.Node.AddStaticPeer(a.Endpoint);
        mesh.Run(Settle);

        TestMesh.Step("bravo pings alpha by name, then by overlay address");
        foreach (var target in new[] { "alpha", a.Ipv4.ToString(), a.Ipv6.ToString() })
        {
            var ping = b.Node.PingAsync(target, TimeSpan.FromSeconds(2));
            mesh.Run(TimeSpan.FromMilliseconds(200));
            var reply = await ping;
            Assert.NotNull(reply);
            Assert.Equal("alpha", reply.Target);
            Assert.Equal("direct udp " + a.Endpoint, reply.Path);
            Assert.True(reply.RttMs >= 0);
        }

        var status = b.Peer(a)!;
        Assert.Equal("direct udp " + a.Endpoint, status.Path);
        Assert.NotNull(status.RttMs);
        Assert.Equal(a.Endpoint.ToString(), status.Endpoint);
        Assert.Equal("direct udp " + b.Endpoint, a.Peer(b)!.Path);

        TestMesh.Step("the pongs told bravo how alpha sees it (reflexive address)");
        Assert.Contains(new ObservedEndpoint(TransportKind.Udp, b.Endpoint), b.Node.GetReflexiveEndpoints());
        Assert.True(b.Counters.PongsReceived > 0);
        Assert.True(a.Counters.PongsSent > 0);

        TestMesh.Step("unknown targets are an error; a silent peer is a timeout (null)");
        await Assert.ThrowsAsync<ArgumentException>(() => b.Node.PingAsync("nobody", TimeSpan.FromSeconds(1)));
        mesh.Network.Loss = (_, _, _) => false;
        var lost = b.Node.PingAsync("alpha", TimeSpan.FromSeconds(1));
        mesh.Run(TimeSpan.FromSeconds(1.5));
        Assert.Null(await lost);
    }

    [Fact]
    public void Udp_blocked_static_peer_comes_in_over_tcp_and_moves_to_udp_when_it_works()
    {
        using var mesh = new TestMesh();
        var a = mesh.AddNode("alpha", streams: true);
        var b = mesh.AddNode("bravo", streams: true);
        var udpBlocked = true;
        mesh.Network.Loss = (_, source, destination) => !udpBlocked || (!source.Equals(b.Endpoint) && !destination.Equals(b.Endpoint));

        TestMesh.Step("bravo's UDP is dropped: hellos go unanswered, then it tries TCP host:port");
        b.Node.AddStaticPeer(a.Endpoint);
        mesh.Run(TimeSpan.FromSeconds(5));
        Assert.StartsWith("direct tcp " + a.Endpoint, b.Peer(a)!.Path);
        Assert.StartsWith("direct tcp ", a.Peer(b)!.Path);
        Assert.True(b.Peer(a)!.Verified && a.Peer(b)!.Verified);
        AssertDelivered(mesh, b, a, TestPackets.Ipv4(b.Ipv4, a.Ipv4, 100));
        AssertDelivered(mesh, a, b, TestPackets.Ipv4(a.Ipv4, b.Ipv4, 100));

        TestMesh.Step("UDP starts working: both sides upgrade within a few seconds, the session survives");
        var handshakes = b.Counters.WireGuard.HandshakeInitiationsSent;
        udpBlocked = false;
        mesh.Run(TimeSpan.FromSeconds(8));
        Assert.Equal("direct udp " + a.Endpoint, b.Peer(a)!.Path);
        Assert.Equal("direct udp " + b.Endpoint, a.Peer(b)!.Path);
        Assert.Equal(handshakes, b.Counters.WireGuard.HandshakeInitiationsSent);
        AssertDelivered(mesh, b, a, TestPackets.Ipv4(b.Ipv4, a.Ipv4, 100));
        AssertDelivered(mesh, a, b, TestPackets.Ipv4(a.Ipv4, b.Ipv4, 100));

        TestMesh.Step("UDP dies again: the session is back on TCP within 5 s");
        udpBlocked = true;
        mesh.Run(TimeSpan.FromSeconds(5));
        Assert.StartsWith("direct tcp ", b.Peer(a)!.Path);
        Assert.StartsWith("direct tcp ", a.Peer(b)!.Path);
        AssertDelivered(mesh, b, a, TestPackets.Ipv4(b.Ipv4, a.Ipv4, 100));
        AssertDelivered(mesh, a, b, TestPackets.Ipv4(a.Ipv4, b.Ipv4, 100));
    }

    [Fact]
    public void Tcp_refused_falls_back_to_tls_on_443()
    {
        using var mesh = new TestMesh();
        var a = mesh.AddNode("alpha", streams: true);
        var b = mesh.AddNode("bravo", streams: true);
        mesh.Streams.Listen(new IPEndPoint(a.Endpoint.Address, 443), TransportKind.Tls, a.Node);
        mesh.Streams.Blocked = (_, _, kind) => kind == TransportKind.Tcp;
        mesh.Network.Loss = (_, source, destination) => !source.Equals(b.Endpoint) && !destination.Equals(b.Endpoint);

        b.Node.AddStaticPeer(a.Endpoint);
        mesh.Run(TimeSpan.FromSeconds(5));
        Assert.Equal($"direct tls {a.Endpoint.Address}:443", b.Peer(a)!.Path);
        Assert.True(a.Peer(b)!.Verified);
        AssertDelivered(mesh, b, a, TestPackets.Ipv4(b.Ipv4, a.Ipv4, 100));
        AssertDelivered(mesh, a, b, TestPackets.Ipv4(a.Ipv4, b.Ipv4, 100));

        TestMesh.Step("TCP opens later: the background retry (every 20 s) moves the session to TCP");
        mesh.Streams.Blocked = null;
        mesh.Run(TimeSpan.FromSeconds(25));
        Assert.StartsWith("direct tcp " + a.Endpoint, b.Peer(a)!.Path);
        AssertDelivered(mesh, b, a, TestPackets.Ipv4(b.Ipv4, a.Ipv4, 100));
    }

    [Fact]
    public void A_closed_stream_moves_the_session_at_once_and_the_static_peer_reconnects()
    {
        using var mesh = new TestMesh();
        var a = mesh.AddNode("alpha", streams: true);
        var b = mesh.AddNode("bravo", streams: true);
        mesh.Network.Loss = (_, source, destination) => !source.Equals(b.Endpoint) && !destination.Equals(b.Endpoint);
        b.Node.AddStaticPeer(a.Endpoint);
        mesh.Run(TimeSpan.FromSeconds(5));
        Assert.StartsWith("direct tcp ", b.Peer(a)!.Path);

        TestMesh.Step("the connection drops: bravo says hello again and is back on a new one");
        mesh.Streams.Sever(_ => true);
        mesh.Pump();
        mesh.Run(TimeSpan.FromSeconds(5));
        Assert.StartsWith("direct tcp ", b.Peer(a)!.Path);
        AssertDelivered(mesh, b, a, TestPackets.Ipv4(b.Ipv4, a.Ipv4, 100));
        AssertDelivered(mesh, a, b, TestPackets.Ipv4(a.Ipv4, b.Ipv4, 100));
    }

    private static void AssertDelivered(TestMesh mesh, TestNode from, TestNode to, byte[] packet)
    {
        var before = to.Tun.Packets.Count;
        from.FromTun(packet);
        mesh.Pump();
        Assert.Equal(before + 1, to.Tun.Packets.Count);
        Assert.Equal(packet, to.Tun.Packets[^1]);
    }
}
