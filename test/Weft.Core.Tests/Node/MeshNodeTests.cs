using System.Net;
using Microsoft.Extensions.Logging;
using Weft.Core.Identity;
using Weft.Core.Net;
using Weft.Core.Node;
using Weft.Core.WireGuard;
using Xunit;

namespace Weft.Core.Tests.Node;

/// <summary>Mesh nodes with real identities over an in-memory network, as the user would see them.</summary>
public class MeshNodeTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    [Fact]
    public void Static_peer_known_by_endpoint_only_connects_and_carries_ipv4_and_ipv6_both_ways()
    {
        using var mesh = new TestMesh();
        var a = mesh.AddNode("alpha");
        var b = mesh.AddNode("bravo");

        TestMesh.Step("bravo knows only alpha's host:port");
        b.Node.AddStaticPeer(a.Endpoint);
        mesh.Run(Settle);

        TestMesh.Step("hello answered, handshake done, both certificates verified");
        AssertMember(a, b);
        AssertMember(b, a);
        Assert.Equal(1, b.Counters.HelloRepliesAccepted);
        Assert.Equal(1, a.Counters.HelloRequestsAnswered);
        Assert.Equal(a.Endpoint.ToString(), b.Peer(a)!.Endpoint);

        TestMesh.Step("an IPv4 and an IPv6 packet from bravo's TUN arrive on alpha's TUN byte for byte, and back");
        AssertDelivered(mesh, b, a, TestPackets.Ipv4(b.Ipv4, a.Ipv4, 100, seed: 1));
        AssertDelivered(mesh, b, a, TestPackets.Ipv6(b.Ipv6, a.Ipv6, 333, seed: 2));
        AssertDelivered(mesh, a, b, TestPackets.Ipv4(a.Ipv4, b.Ipv4, 1, seed: 3));
        AssertDelivered(mesh, a, b, TestPackets.Ipv6(a.Ipv6, b.Ipv6, 1200, seed: 4));

        TestMesh.Step("the exchange stops once both sides have each other's certificate");
        var sent = a.Counters.CertificatesSent + b.Counters.CertificatesSent;
        mesh.Run(TimeSpan.FromSeconds(10));
        Assert.Equal(sent, a.Counters.CertificatesSent + b.Counters.CertificatesSent);
        Assert.InRange(sent, 2, 4);
    }

    [Fact]
    public void Static_peers_on_both_sides_and_a_late_responder_still_connect()
    {
        using var mesh = new TestMesh();
        var a = mesh.AddNode("alpha");
        var b = mesh.AddNode("bravo");
        var c = mesh.AddNode("charlie");

        TestMesh.Step("alpha's datagrams are lost for the first 5 s: bravo retries its hello with backoff");
        var start = mesh.Time.GetUtcNow();
        mesh.Network.Loss = (_, source, _) => !source.Equals(a.Endpoint) || mesh.Time.GetUtcNow() - start > TimeSpan.FromSeconds(5);
        b.Node.AddStaticPeer(a.Endpoint);
        c.Node.AddStaticPeer(a.Endpoint);
        a.Node.AddStaticPeer(c.Endpoint);
        mesh.Run(TimeSpan.FromSeconds(4));
        Assert.InRange(b.Counters.HelloRequestsSent, 3, 4); // t = 0, 1, 3 (and 7 is still to come)
        Assert.Null(b.Peer(a));

        mesh.Run(TimeSpan.FromSeconds(10));
        AssertMember(a, b);
        AssertMember(b, a);
        AssertMember(a, c);
        AssertMember(c, a);
        Assert.Equal(2, a.Node.GetStatus().Peers.Count);
        AssertDelivered(mesh, c, a, TestPackets.Ipv4(c.Ipv4, a.Ipv4, 10));
        AssertDelivered(mesh, a, c, TestPackets.Ipv6(a.Ipv6, c.Ipv6, 10));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Hello_handshake_and_certificate_exchange_survive_a_lossy_network(int seed)
    {
        using var mesh = new TestMesh();
        var a = mesh.AddNode("alpha");
        var b = mesh.AddNode("bravo");
        var random = new Random(seed);

        TestMesh.Step("40% of datagrams are lost, in both directions");
        mesh.Network.Loss = (_, _, _) => random.NextDouble() >= 0.4;
        b.Node.AddStaticPeer(a.Endpoint);
        mesh.Run(TimeSpan.FromSeconds(90));
        mesh.Network.Loss = null;
        Assert.True(mesh.Network.Lost > 0);

        AssertMember(a, b);
        AssertMember(b, a);
        AssertDelivered(mesh, b, a, TestPackets.Ipv4(b.Ipv4, a.Ipv4, 10));
        AssertDelivered(mesh, a, b, TestPackets.Ipv4(a.Ipv4, b.Ipv4, 10));
    }

    [Fact]
    public void Node_of_another_mesh_gets_no_hello_answer_and_its_certificate_is_refused()
    {
        using var mesh = new TestMesh();
        var a = mesh.AddNode("alpha");
        var otherCa = CertificateAuthority.Create("other", IPNetwork.Parse("100.90.0.0/16"), "other.weft", TimeSpan.FromDays(3650), mesh.Time);
        var x = mesh.AddNode("intruder", otherCa);

        TestMesh.Step("the intruder says hello to alpha: no answer at all, counted");
        x.Node.AddStaticPeer(a.Endpoint);
        mesh.Run(TimeSpan.FromSeconds(8));
        Assert.True(x.Counters.HelloRequestsSent >= 3);
        Assert.Equal(x.Counters.HelloRequestsSent, a.Counters.HelloRequestsIgnored);
        Assert.Equal(0, mesh.Network.TrafficBetween(a.Endpoint, x.Endpoint));
        Assert.Contains(a.Logs.Entries, e => e.Level == LogLevel.Debug && e.Message.Contains("CA", StringComparison.Ordinal));

        TestMesh.Step("the intruder knows alpha's key and handshakes directly: its certificate is refused");
        x.Node.AddMemberPeer(a.Node.PublicKey, a.Endpoint);
        mesh.Run(Settle);
        var seen = a.Peer(x)!;
        Assert.Equal("pending", seen.Kind);
        Assert.False(seen.Verified);
        Assert.Contains("CA", seen.Problem, StringComparison.Ordinal);
        Assert.True(a.Counters.CertificatesRejected >= 1);
        Assert.Single(a.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("refused", StringComparison.Ordinal));

        TestMesh.Step("alpha never showed its certificate to the intruder");
        var view = x.Peer(a)!;
        Assert.False(view.Verified);
        Assert.Null(view.Ipv4);
        Assert.Equal(0, x.Counters.CertificatesVerified);

        TestMesh.Step("the intruder pushes IP packets through the session anyway: none reaches alpha's TUN");
        x.Node.AddWireGuardPeer("alpha", a.Node.PublicKey, [IPNetwork.Parse("0.0.0.0/0")], a.Endpoint);
        x.FromTun(TestPackets.Ipv4(x.Ipv4, a.Ipv4, 50));
        x.FromTun(TestPackets.Ipv4(x.Ipv4, a.Ipv4, 50));
        mesh.Run(TimeSpan.FromSeconds(1));
        Assert.Empty(a.Tun.Packets);
        Assert.Equal(2, a.Counters.RxDroppedUnverifiedPeer);

        TestMesh.Step("alpha routes nothing to it either");
        a.FromTun(TestPackets.Ipv4(a.Ipv4, x.Ipv4, 50));
        Assert.Equal(1, a.Counters.TxDroppedNoRoute);
    }

    [Fact]
    public void Replayed_hello_request_gets_no_answer()
    {
        using var mesh = new TestMesh();
        var a = mesh.AddNode("alpha");
        var b = mesh.AddNode("bravo");
        byte[]? captured = null;
        mesh.Network.Loss = (datagram, _, _) =>
        {
            if (Hello.IsRequest(datagram))
            {
                captured ??= datagram.ToArray();
            }

            return true;
        };

        TestMesh.Step("bravo says hello; someone on the path records it");
        b.Node.AddStaticPeer(a.Endpoint);
        mesh.Run(Settle);
        AssertMember(a, b);
        Assert.NotNull(captured);
        Assert.Equal(1, a.Counters.HelloRequestsAnswered);

        TestMesh.Step("the recording is played back to alpha, from bravo's endpoint and from elsewhere: no answer");
        a.Node.OnDatagram(captured.ToArray(), b.Endpoint);
        a.Node.OnDatagram(captured.ToArray(), new IPEndPoint(IPAddress.Loopback, 40001));
        mesh.Time.Advance(TimeSpan.FromMinutes(5));
        a.Node.OnDatagram(captured.ToArray(), new IPEndPoint(IPAddress.Loopback, 40001));
        Assert.Equal(1, a.Counters.HelloRequestsAnswered);
        Assert.Equal(3, a.Counters.HelloRequestsIgnored);
        Assert.Contains(a.Logs.Entries, e => e.Message.Contains("replay", StringComparison.Ordinal));
        Assert.Contains(a.Logs.Entries, e => e.Message.Contains("too old", StringComparison.Ordinal));
    }

    [Fact]
    public void Expired_certificate_is_refused()
    {
        using var mesh = new TestMesh();
        var a = mesh.AddNode("alpha", validity: TimeSpan.FromDays(30));
        var d = mesh.AddNode("delta", validity: TimeSpan.FromHours(1));
        mesh.Run(TimeSpan.FromHours(2));

        TestMesh.Step("delta's certificate expired an hour ago; its hello goes unanswered");
        d.Node.AddStaticPeer(a.Endpoint);
        mesh.Run(Settle);
        Assert.True(a.Counters.HelloRequestsIgnored >= 1);
        Assert.Null(d.Peer(a));

        TestMesh.Step("delta handshakes with alpha's key directly: refused as expired");
        d.Node.AddMemberPeer(a.Node.PublicKey, a.Endpoint);
        mesh.Run(Settle);
        var seen = a.Peer(d)!;
        Assert.False(seen.Verified);
        Assert.Equal("pending", seen.Kind);
        Assert.Contains("expired", seen.Problem, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Peer_whose_certificate_expires_mid_session_becomes_unverified()
    {
        using var mesh = new TestMesh();
        var a = mesh.AddNode("alpha", validity: TimeSpan.FromDays(30));
        var d = mesh.AddNode("delta", validity: TimeSpan.FromMinutes(10));
        d.Node.AddStaticPeer(a.Endpoint);
        mesh.Run(Settle);
        AssertMember(a, d);
        AssertDelivered(mesh, d, a, TestPackets.Ipv4(d.Ipv4, a.Ipv4, 20));

        TestMesh.Step("ten minutes pass with traffic; delta's certificate runs out");
        for (var i = 0; i < 11; i++)
        {
            d.FromTun(TestPackets.Ipv4(d.Ipv4, a.Ipv4, 20));
            mesh.Run(TimeSpan.FromSeconds(60));
        }

        var seen = a.Peer(d)!;
        Assert.False(seen.Verified);
        Assert.Equal("pending", seen.Kind);
        Assert.Contains("expired", seen.Problem, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, a.Counters.CertificatesExpired);

        TestMesh.Step("from now on nothing passes either way");
        var delivered = a.Tun.Written;
        d.FromTun(TestPackets.Ipv4(d.Ipv4, a.Ipv4, 20));
        mesh.Run(Settle);
        Assert.Equal(delivered, a.Tun.Written);
        Assert.True(a.Counters.RxDroppedUnverifiedPeer >= 1);
        a.FromTun(TestPackets.Ipv4(a.Ipv4, d.Ipv4, 20));
        Assert.Equal(1, a.Counters.TxDroppedNoRoute);
    }

    [Fact]
    public void Spoofed_source_address_from_a_verified_peer_is_dropped()
    {
        using var mesh = new TestMesh();
        var a = mesh.AddNode("alpha");
        var b = mesh.AddNode("bravo", subnets: [IPNetwork.Parse("192.168.50.0/24")]);
        var c = mesh.AddNode("charlie");
        b.Node.AddStaticPeer(a.Endpoint);
        mesh.Run(Settle);
        AssertMember(a, b);

        TestMesh.Step("bravo sends as charlie (IPv4), as someone else (IPv6): dropped and counted");
        b.FromTun(TestPackets.Ipv4(c.Ipv4, a.Ipv4, 30));
        b.FromTun(TestPackets.Ipv6(IPAddress.Parse("fd00::1"), a.Ipv6, 30));
        mesh.Pump();
        Assert.Empty(a.Tun.Packets);
        Assert.Equal(2, a.Counters.RxDroppedSpoofedSource);

        TestMesh.Step("bravo sends from inside its certified subnet: accepted");
        AssertDelivered(mesh, b, a, TestPackets.Ipv4(IPAddress.Parse("192.168.50.7"), a.Ipv4, 30));
        TestMesh.Step("alpha routes the subnet to bravo");
        AssertDelivered(mesh, a, b, TestPackets.Ipv4(a.Ipv4, IPAddress.Parse("192.168.50.7"), 30));
    }

    [Fact]
    public void Plain_wireguard_peer_passes_packets_for_its_allowed_ips_only()
    {
        using var mesh = new TestMesh();
        var a = mesh.AddNode("alpha");

        TestMesh.Step("a stock WireGuard device (a phone) with address 10.77.0.5");
        var phoneEndpoint = new IPEndPoint(IPAddress.Loopback, 52000);
        var phoneEvents = new PhoneEvents();
        var phonePrivate = new byte[32];
        var phonePublic = new byte[32];
        Weft.Core.Crypto.X25519.GenerateKeyPair(phonePrivate, phonePublic);
        using var phone = new WireGuardDevice(phonePrivate, mesh.Network.DevicePort(phoneEndpoint), mesh.Time, phoneEvents);
        mesh.Network.Attach(phoneEndpoint, (datagram, source) => phone.ReceiveDatagram(datagram, UdpEndpoint.Of(source)));
        var alphaOnPhone = phone.AddPeer(a.Node.PublicKey, endpoint: UdpEndpoint.Of(a.Endpoint));
        a.Node.AddWireGuardPeer("phone", phonePublic, [IPNetwork.Parse("10.77.0.5/32")], phoneEndpoint);

        var phoneIp = IPAddress.Parse("10.77.0.5");
        var fromPhone = TestPackets.Ipv4(phoneIp, a.Ipv4, 64);
        phone.Send(alphaOnPhone, fromPhone);
        mesh.Run(TimeSpan.FromSeconds(1));
        Assert.Equal(fromPhone, Assert.Single(a.Tun.Packets));
        var status = a.Node.GetStatus().Peers.Single(p => p.Name == "phone");
        Assert.Equal("wireguard", status.Kind);
        Assert.True(status.Verified);

        TestMesh.Step("the phone sends from an address it was not given: dropped");
        phone.Send(alphaOnPhone, TestPackets.Ipv4(IPAddress.Parse("10.77.0.6"), a.Ipv4, 64));
        mesh.Pump();
        Assert.Single(a.Tun.Packets);
        Assert.Equal(1, a.Counters.RxDroppedSpoofedSource);

        TestMesh.Step("alpha reaches the phone's address, not its neighbour's");
        var toPhone = TestPackets.Ipv4(a.Ipv4, phoneIp, 64);
        a.FromTun(toPhone);
        mesh.Pump();
        Assert.Equal(toPhone, Assert.Single(phoneEvents.Payloads));
        a.FromTun(TestPackets.Ipv4(a.Ipv4, IPAddress.Parse("10.77.0.6"), 64));
        Assert.Equal(1, a.Counters.TxDroppedNoRoute);
        Assert.Equal(0, a.Counters.CertificatesSent);
    }

    [Fact]
    public void Garbage_datagrams_and_malformed_control_messages_are_counted_not_thrown()
    {
        using var mesh = new TestMesh();
        var a = mesh.AddNode("alpha");
        var b = mesh.AddNode("bravo");
        b.Node.AddStaticPeer(a.Endpoint);
        mesh.Run(Settle);
        AssertMember(a, b);

        TestMesh.Step("random and truncated datagrams of every kind at alpha");
        var random = new Random(42);
        var stranger = new IPEndPoint(IPAddress.Loopback, 40000);
        var ignoredBefore = a.Counters.HelloRequestsIgnored;
        var repliesRejectedBefore = a.Counters.HelloRepliesRejected;
        for (var i = 0; i < 2000; i++)
        {
            var datagram = new byte[random.Next(0, 300)];
            random.NextBytes(datagram);
            if (datagram.Length >= 4)
            {
                switch (i % 4)
                {
                    case 0:
                        "WEF"u8.CopyTo(datagram);
                        datagram[3] = (byte)(1 + (i / 4 % 2));
                        break;
                    case 1:
                        datagram[0] = (byte)(1 + (i / 4 % 4));
                        datagram[1] = datagram[2] = datagram[3] = 0;
                        break;
                }
            }

            a.Node.OnDatagram(datagram, stranger);
        }

        var counters = a.Counters;
        Assert.True(counters.HelloRequestsIgnored > ignoredBefore);
        Assert.True(counters.HelloRepliesRejected > repliesRejectedBefore);
        Assert.True(counters.WireGuard.UnknownType + counters.WireGuard.InvalidLength + counters.WireGuard.DatagramsTooShort
                    + counters.WireGuard.BadMac1 + counters.WireGuard.UnknownReceiverIndex > 0);

        TestMesh.Step("bravo sends malformed control messages inside the session");
        var peerKey = a.Node.PublicKey.ToArray();
        Assert.True(b.Node.SendControlMessage(peerKey, [0x01]));
        Assert.True(b.Node.SendControlMessage(peerKey, [0x01, 0x00, 0x00, 0x40, 1, 2, 3]));
        Assert.True(b.Node.SendControlMessage(peerKey, [0x01, 0xfe, 0x00, 0x01, 1]));
        Assert.True(b.Node.SendControlMessage(peerKey, [0x03, 9, 2, 3]));   // a pong with an unknown transport kind
        Assert.True(b.Node.SendControlMessage(peerKey, [0x3f]));
        Assert.True(b.Node.SendControlMessage(peerKey, [0x00, 0x00]));
        mesh.Pump();
        Assert.Equal(6, a.Counters.ControlMessagesMalformed);

        TestMesh.Step("and a truncated IP header");
        Assert.True(b.Node.SendControlMessage(peerKey, [0x45, 0, 0, 20]));
        mesh.Pump();
        Assert.Equal(1, a.Counters.RxDroppedMalformedIp + a.Counters.WireGuard.BadInnerLength);

        TestMesh.Step("bravo is still a verified member and traffic still flows");
        AssertMember(a, b);
        AssertDelivered(mesh, b, a, TestPackets.Ipv4(b.Ipv4, a.Ipv4, 10));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_restarted_node_is_verified_again_and_traffic_resumes(bool restartedKnowsItsPeer)
    {
        using var mesh = new TestMesh();
        var a = mesh.AddNode("alpha");
        var b = mesh.AddNode("bravo");
        b.Node.AddStaticPeer(a.Endpoint);
        mesh.Run(Settle);
        AssertMember(a, b);
        AssertMember(b, a);

        TestMesh.Step($"alpha restarts and forgets everything{(restartedKnowsItsPeer ? " but bravo's endpoint" : "")}");
        a = mesh.Restart(a, o => o.StaticPeers = restartedKnowsItsPeer ? [b.Endpoint] : []);

        TestMesh.Step("bravo keeps sending; within half a minute it is verified again and its packets arrive");
        for (var i = 0; i < 30 && a.Tun.Written == 0; i++)
        {
            b.FromTun(TestPackets.Ipv4(b.Ipv4, a.Ipv4, 20));
            mesh.Run(TimeSpan.FromSeconds(1));
        }

        AssertMember(a, b);
        AssertMember(b, a);
        AssertDelivered(mesh, b, a, TestPackets.Ipv4(b.Ipv4, a.Ipv4, 20));
        AssertDelivered(mesh, a, b, TestPackets.Ipv6(a.Ipv6, b.Ipv6, 20));
    }

    [Fact]
    public void Rekeyed_sessions_redo_the_certificate_exchange_briefly_and_keep_flowing()
    {
        using var mesh = new TestMesh();
        var a = mesh.AddNode("alpha");
        var b = mesh.AddNode("bravo");
        b.Node.AddStaticPeer(a.Endpoint);
        mesh.Run(Settle);

        TestMesh.Step("ten minutes of steady traffic: several rekeys");
        var sessions = a.Counters.WireGuard.SessionsEstablished;
        for (var i = 0; i < 600; i++)
        {
            b.FromTun(TestPackets.Ipv4(b.Ipv4, a.Ipv4, 20));
            a.FromTun(TestPackets.Ipv4(a.Ipv4, b.Ipv4, 20));
            mesh.Run(TimeSpan.FromSeconds(1));
        }

        Assert.True(a.Counters.WireGuard.SessionsEstablished - sessions >= 3);
        Assert.Equal(600, a.Tun.Written);
        Assert.Equal(600, b.Tun.Written);
        AssertMember(a, b);
        AssertMember(b, a);
        var certificates = a.Counters.CertificatesSent + b.Counters.CertificatesSent;
        Assert.True(certificates <= 3 + (2 * (a.Counters.WireGuard.SessionsEstablished + b.Counters.WireGuard.SessionsEstablished)),
                    $"{certificates} certificate messages");
    }

    [Fact]
    public void Pending_unverified_peers_are_bounded()
    {
        using var mesh = new TestMesh();
        var a = mesh.AddNode("alpha", configure: o => o.MaxPendingPeers = 3);
        var attackers = new List<TestNode>();
        var otherCa = CertificateAuthority.Create("other", IPNetwork.Parse("100.90.0.0/16"), "other.weft", TimeSpan.FromDays(3650), mesh.Time);
        for (var i = 0; i < 5; i++)
        {
            var x = mesh.AddNode($"x{i}", otherCa);
            x.Node.AddMemberPeer(a.Node.PublicKey, a.Endpoint);
            mesh.Run(TimeSpan.FromSeconds(1));
            attackers.Add(x);
        }

        var status = a.Node.GetStatus();
        Assert.Equal(3, status.Peers.Count);
        Assert.Equal(2, status.Counters.PendingPeersEvicted);
        Assert.Null(a.Peer(attackers[0]));
        Assert.NotNull(a.Peer(attackers[4]));
    }

    [Fact]
    public void Packet_paths_allocate_nothing()
    {
        using var mesh = new TestMesh();
        var a = mesh.AddNode("alpha");
        var b = mesh.AddNode("bravo");
        b.Node.AddStaticPeer(a.Endpoint);
        mesh.Run(Settle);
        AssertMember(a, b);

        var toA = TestPackets.Ipv4(b.Ipv4, a.Ipv4, 1000);
        var toB = TestPackets.Ipv6(a.Ipv6, b.Ipv6, 1000);
        a.Tun.Keep = false;
        b.Tun.Keep = false;
        mesh.Network.CountTraffic = false;

        TestMesh.Step("warm up");
        for (var i = 0; i < 200; i++)
        {
            b.FromTun(toA);
            a.FromTun(toB);
            mesh.Pump();
        }

        TestMesh.Step("10,000 packets each way");
        var receivedA = a.Tun.Written;
        var receivedB = b.Tun.Written;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            b.FromTun(toA);
            a.FromTun(toB);
            mesh.Pump();
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(10_000, a.Tun.Written - receivedA);
        Assert.Equal(10_000, b.Tun.Written - receivedB);
        Assert.Equal(0, allocated);
    }

    private static void AssertMember(TestNode at, TestNode peer)
    {
        var status = at.Peer(peer);
        Assert.NotNull(status);
        Assert.True(status.Verified, $"{at} does not have {peer} verified: {status.Problem}");
        Assert.Equal("member", status.Kind);
        Assert.Equal(peer.Name, status.Name);
        Assert.Equal(peer.Ipv4.ToString(), status.Ipv4);
        Assert.Equal(peer.Ipv6.ToString(), status.Ipv6);
        Assert.Null(status.Problem);
    }

    private static void AssertDelivered(TestMesh mesh, TestNode from, TestNode to, byte[] packet)
    {
        var before = to.Tun.Packets.Count;
        from.FromTun(packet);
        mesh.Pump();
        var packets = to.Tun.Packets;
        Assert.Equal(before + 1, packets.Count);
        Assert.Equal(packet, packets[^1]);
    }

    /// <summary>The phone's side of the plain WireGuard test: keeps what it receives.</summary>
    private sealed class PhoneEvents : IWireGuardEvents
    {
        public List<byte[]> Payloads { get; } = [];

        public bool AcceptUnknownPeer(ReadOnlySpan<byte> publicKey) => false;

        public bool OnNewSource(WireGuardPeer peer, Endpoint source) => true;


        public void OnPayload(WireGuardPeer peer, Span<byte> payload, Endpoint source) => Payloads.Add(payload.ToArray());

        public void OnSessionEstablished(WireGuardPeer peer, bool weInitiated)
        {
        }
    }
}
