using System.Net;
using Weft.Core.Discovery;
using Weft.Core.Identity;
using Weft.Core.Net;
using Weft.Core.Tests.Node;
using Xunit;

namespace Weft.Core.Tests.Discovery;

/// <summary>Members on one LAN with no static peers: beacons, the hello they trigger, and the peer cache across restarts.</summary>
public class LanDiscoveryTests
{
    private static readonly TimeSpan FiveSeconds = TimeSpan.FromSeconds(5);

    [Fact]
    public void Two_members_with_no_static_peers_find_each_other_by_beacons_and_pass_packets()
    {
        using var lan = new LanTestMesh();
        var a = lan.AddNode("alpha");
        var b = lan.AddNode("bravo");

        Step("both start with nothing configured; beacons on the LAN are all they have");
        var took = lan.RunUntil(() => Verified(a, b) && Verified(b, a), FiveSeconds);
        Step($"both verified each other after {took.TotalSeconds:0.0} s (virtual)");
        Assert.True(Verified(a, b) && Verified(b, a), "they did not find each other within 5 s");
        Assert.Equal(b.Endpoint.ToString(), a.Peer(b)!.Endpoint?.Replace("udp ", "", StringComparison.Ordinal));
        Assert.Contains("%7", a.Peer(b)!.Endpoint, StringComparison.Ordinal); // link-local, scope kept

        Step("an IPv4 and an IPv6 packet cross both ways");
        Delivered(lan, a, b, TestPackets.Ipv4(a.Certificate.Ipv4[0].Address, b.Certificate.Ipv4[0].Address, 64, seed: 1));
        Delivered(lan, b, a, TestPackets.Ipv6(b.Certificate.Ipv6, a.Certificate.Ipv6, 300, seed: 2));

        Step("connected: later beacons trigger no more hellos");
        var hellos = a.Counters.Discovery.BeaconHellosSent + b.Counters.Discovery.BeaconHellosSent;
        Assert.InRange(hellos, 1, 3);
        lan.Run(TimeSpan.FromSeconds(30));
        Assert.Equal(hellos, a.Counters.Discovery.BeaconHellosSent + b.Counters.Discovery.BeaconHellosSent);
        Assert.True(a.Counters.Discovery.BeaconsReceived > 5);
        Assert.Equal(0, a.Counters.Discovery.BeaconsOtherCa + a.Counters.Discovery.BeaconsMalformed);
    }

    [Fact]
    public void Beacons_go_out_every_2_s_for_10_s_then_every_5_s_and_carry_ca_node_and_port()
    {
        using var lan = new LanTestMesh();
        var a = lan.AddNode("alpha");
        var sentAt = new List<double>();
        var start = lan.Time.GetUtcNow();
        for (var i = 0; i < 300; i++)
        {
            var before = a.Announcer!.Sent.Count;
            lan.Run(TimeSpan.FromMilliseconds(100));
            if (a.Announcer!.Sent.Count > before)
            {
                sentAt.Add(Math.Round((lan.Time.GetUtcNow() - start).TotalSeconds, 1));
            }
        }

        Step($"beacons at {string.Join(", ", sentAt)} s");
        Assert.Equal([0.1, 2.1, 4.1, 6.1, 8.1, 10.1, 15.1, 20.1, 25.1], sentAt);
        Assert.True(Beacon.TryRead(a.Announcer!.Sent[0], out var beacon));
        Assert.True(beacon.IsFromCa(lan.Ca.Certificate.Id));
        Assert.Equal(a.Keys.NodeId, beacon.NodeId);
        Assert.Equal(LanTestMesh.Port, beacon.ListenPort);
        Assert.Equal(sentAt.Count, a.Counters.Discovery.BeaconsSent);
    }

    [Fact]
    public void A_non_member_claiming_our_ca_gets_a_hello_that_is_never_answered_by_a_member_and_no_session()
    {
        using var lan = new LanTestMesh();
        var a = lan.AddNode("alpha");
        var otherCa = CertificateAuthority.Create("other", IPNetwork.Parse("100.90.0.0/16"), "other.weft", TimeSpan.FromDays(3650), lan.Time);
        var x = lan.AddNode("intruder", otherCa, announce: false);

        Step("the intruder sends beacons with OUR CA id (it is public) and its own node id");
        var forged = Beacon.Create(lan.Ca.Certificate.Id, x.Keys.NodeId, LanTestMesh.Port);
        for (var i = 0; i < 5; i++)
        {
            lan.Network.Send(forged, x.Endpoint, a.Endpoint);
            lan.Run(TimeSpan.FromSeconds(2));
        }

        Step("alpha says hello (the beacon proves nothing), the intruder cannot produce a reply alpha accepts");
        Assert.InRange(a.Counters.Discovery.BeaconHellosSent, 1, 5);
        Assert.Equal(a.Counters.Discovery.BeaconHellosSent, x.Counters.HelloRequestsIgnored); // its node refuses a CA it does not trust
        Assert.Equal(0, a.Counters.HelloRepliesAccepted);
        Assert.Null(a.Peer(x));
        Assert.Empty(a.Node.GetStatus().Peers);

        Step("even a hand-made reply from the intruder's own identity is refused: wrong CA");
        x.Node.AddStaticPeer(a.Endpoint);
        lan.Run(TimeSpan.FromSeconds(3));
        Assert.Equal(0, a.Counters.HelloRequestsAnswered);
        Assert.Empty(a.Node.GetStatus().Peers);
    }

    [Fact]
    public void Beacons_of_another_ca_and_malformed_beacons_are_counted_and_ignored()
    {
        using var lan = new LanTestMesh();
        var a = lan.AddNode("alpha");
        var otherCa = CertificateAuthority.Create("other", IPNetwork.Parse("100.90.0.0/16"), "other.weft", TimeSpan.FromDays(3650), lan.Time);
        var x = lan.AddNode("neighbour", otherCa);

        Step("two meshes share a LAN: each hears the other's beacons and ignores them");
        lan.Run(TimeSpan.FromSeconds(12));
        Assert.True(a.Counters.Discovery.BeaconsOtherCa >= 5);
        Assert.True(x.Counters.Discovery.BeaconsOtherCa >= 5);
        Assert.Equal(0, a.Counters.Discovery.BeaconHellosSent + x.Counters.Discovery.BeaconHellosSent);
        Assert.Equal(0, a.Counters.HelloRequestsSent + x.Counters.HelloRequestsSent);
        Assert.Empty(a.Node.GetStatus().Peers);

        Step("malformed beacons: short, long, port zero — counted, nothing sent back");
        var good = Beacon.Create(lan.Ca.Certificate.Id, x.Keys.NodeId, LanTestMesh.Port);
        byte[] zeroPort = [.. good[..36], 0, 0];
        var before = lan.Network.TrafficBetween(a.Endpoint, x.Endpoint);
        foreach (var bad in new[] { good[..37], [.. good, 1], zeroPort, good[..4] })
        {
            lan.Network.Send(bad, x.Endpoint, a.Endpoint);
        }

        lan.Pump();
        Assert.Equal(4, a.Counters.Discovery.BeaconsMalformed);
        Assert.Equal(before, lan.Network.TrafficBetween(a.Endpoint, x.Endpoint));
    }

    [Fact]
    public void A_flood_of_beacons_from_one_source_triggers_at_most_one_hello_per_interval()
    {
        using var lan = new LanTestMesh();
        var a = lan.AddNode("alpha", announce: false);
        var source = new IPEndPoint(IPAddress.Parse("fe80::99%7"), LanTestMesh.Port);

        Step("1000 beacons with random node ids from one source within one second");
        var id = new byte[16];
        var random = new Random(3);
        for (var i = 0; i < 1000; i++)
        {
            random.NextBytes(id);
            a.Node.OnDatagram(Beacon.Create(lan.Ca.Certificate.Id, NodeId.FromBytes(id), LanTestMesh.Port), source);
        }

        Assert.Equal(1000, a.Counters.Discovery.BeaconsReceived);
        Assert.Equal(1, a.Counters.Discovery.BeaconHellosSent);
        Assert.Equal(1, a.Counters.HelloRequestsSent);
        Assert.Equal(1, a.Counters.Discovery.BeaconsSent); // our beacon straight back to the source, once
        lan.Time.Advance(TimeSpan.FromSeconds(2));
        a.Node.OnDatagram(Beacon.Create(lan.Ca.Certificate.Id, NodeId.FromBytes(id), LanTestMesh.Port), source);
        Assert.Equal(2, a.Counters.Discovery.BeaconHellosSent);
        Assert.Equal(1, a.Counters.Discovery.BeaconsSent); // answers: at most one per 5 s
    }

    [Fact]
    public void Beacons_from_many_sources_at_once_trigger_at_most_16_hellos_a_second()
    {
        using var lan = new LanTestMesh();
        var a = lan.AddNode("alpha", announce: false);
        var id = new byte[16];
        for (var i = 0; i < 200; i++)
        {
            id[0] = (byte)i;
            var source = new IPEndPoint(IPAddress.Parse($"fe80::1:{i:x}%7"), LanTestMesh.Port);
            a.Node.OnDatagram(Beacon.Create(lan.Ca.Certificate.Id, NodeId.FromBytes(id), LanTestMesh.Port), source);
        }

        Assert.Equal(200, a.Counters.Discovery.BeaconsReceived);
        Assert.Equal(16, a.Counters.Discovery.BeaconHellosSent); // virtual time stands still: one second's worth
    }

    [Fact]
    public void A_node_restarted_with_its_peer_cache_reaches_its_peer_without_hello_and_without_beacons()
    {
        using var lan = new LanTestMesh();
        var a = lan.AddNode("alpha", cache: new MemoryPeerCache());
        var b = lan.AddNode("bravo", cache: new MemoryPeerCache());

        Step("alpha and bravo meet by beacons; each saves the other in its cache");
        lan.RunUntil(() => Verified(a, b) && Verified(b, a), FiveSeconds);
        lan.Run(TimeSpan.FromSeconds(4));
        var cached = Assert.Single(b.Cache!.Peers);
        Assert.Equal(a.Certificate.EncodedSpan.ToArray(), cached.Certificate);
        Assert.Equal($"udp {a.Endpoint}", cached.Endpoints[0]);
        Assert.Single(a.Cache!.Peers);

        Step("both restart without LAN discovery: only the cache is left");
        a = lan.Restart(a, announce: false);
        b = lan.Restart(b, announce: false);
        var took = lan.RunUntil(() => Verified(a, b) && Verified(b, a), FiveSeconds);
        Step($"verified again after {took.TotalSeconds:0.0} s (virtual)");
        Assert.True(Verified(a, b) && Verified(b, a), "the cache did not bring them back within 5 s");
        Assert.Equal(0, a.Counters.HelloRequestsSent + b.Counters.HelloRequestsSent);
        Assert.Equal(0, a.Counters.Discovery.BeaconsSent + b.Counters.Discovery.BeaconsSent);
        Assert.Equal(1, a.Counters.Discovery.CachedPeersLoaded);
        Delivered(lan, a, b, TestPackets.Ipv4(a.Certificate.Ipv4[0].Address, b.Certificate.Ipv4[0].Address, 40, seed: 9));
        Delivered(lan, b, a, TestPackets.Ipv4(b.Certificate.Ipv4[0].Address, a.Certificate.Ipv4[0].Address, 40, seed: 10));
    }

    [Fact]
    public void Only_bravo_restarts_and_alpha_keeps_running()
    {
        using var lan = new LanTestMesh();
        var a = lan.AddNode("alpha", cache: new MemoryPeerCache(), announce: false);
        var b = lan.AddNode("bravo", cache: new MemoryPeerCache(), announce: false);
        b.Node.AddStaticPeer(a.Endpoint);
        lan.RunUntil(() => Verified(a, b) && Verified(b, a), FiveSeconds);
        lan.Run(TimeSpan.FromSeconds(4));
        Assert.Single(b.Cache!.Peers);

        Step("bravo restarts with its cache; alpha still holds the old session");
        b = lan.Restart(b, announce: false);
        lan.RunUntil(() => Verified(a, b) && Verified(b, a), FiveSeconds);
        Assert.True(Verified(a, b) && Verified(b, a));
        Assert.Equal(0, b.Counters.HelloRequestsSent);
        Delivered(lan, a, b, TestPackets.Ipv4(a.Certificate.Ipv4[0].Address, b.Certificate.Ipv4[0].Address, 40, seed: 11));
    }

    [Fact]
    public void A_cached_peer_whose_first_endpoint_is_stale_is_reached_at_the_next_one()
    {
        using var lan = new LanTestMesh();
        var a = lan.AddNode("alpha", cache: new MemoryPeerCache(), announce: false);
        var b = lan.AddNode("bravo", cache: new MemoryPeerCache(), announce: false);
        b.Node.AddStaticPeer(a.Endpoint);
        lan.RunUntil(() => Verified(a, b) && Verified(b, a), FiveSeconds);
        lan.Run(TimeSpan.FromSeconds(4));

        Step("bravo's cache lists an address alpha no longer has first, then the right one");
        b = lan.Restart(b, announce: false, editCache: cache =>
        {
            var entry = Assert.Single(cache.Peers);
            cache.Peers = [entry with { Endpoints = ["udp [fe80::dead%7]:51820", .. entry.Endpoints] }];
        });
        var took = lan.RunUntil(() => Verified(a, b) && Verified(b, a), TimeSpan.FromSeconds(30));
        Step($"verified after {took.TotalSeconds:0.0} s (virtual)");
        Assert.True(Verified(a, b) && Verified(b, a), "the second cached endpoint was never tried");
        Assert.Equal(0, b.Counters.HelloRequestsSent);
        Assert.Equal(a.Endpoint.ToString(), b.Peer(a)!.Endpoint);
        Assert.True(b.Counters.PathSwitches >= 1, "the handshake never moved off the stale endpoint");
        Assert.InRange(took, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20)); // the path policy rotates a silent endpoint after ~6 s, the handshake retries every 5 s
    }

    [Fact]
    public void Cached_peers_that_no_longer_verify_or_cannot_be_dialled_are_refused_and_kept_out()
    {
        using var lan = new LanTestMesh();
        var otherCa = CertificateAuthority.Create("other", IPNetwork.Parse("100.90.0.0/16"), "other.weft", TimeSpan.FromDays(3650), lan.Time);
        var strangerKeys = NodeKeys.Generate();
        var stranger = otherCa.Sign(JoinRequest.Create(strangerKeys, "stranger"), "stranger", [], [], IPAddress.Parse("100.90.9.9"),
                                    TimeSpan.FromDays(30), lan.Time.GetUtcNow());
        var shortKeys = NodeKeys.Generate();
        var shortLived = lan.Ca.Sign(JoinRequest.Create(shortKeys, "brief"), "brief", [], [], IPAddress.Parse("100.90.9.8"),
                                     TimeSpan.FromHours(1), lan.Time.GetUtcNow());
        var fineKeys = NodeKeys.Generate();
        var noEndpoint = lan.Ca.Sign(JoinRequest.Create(fineKeys, "nowhere"), "nowhere", [], [], IPAddress.Parse("100.90.9.7"),
                                     TimeSpan.FromDays(30), lan.Time.GetUtcNow());
        lan.Time.Advance(TimeSpan.FromHours(2));
        var cache = new MemoryPeerCache
        {
            Peers =
            [
                new CachedPeer([1, 2, 3], ["udp [fe80::50%7]:51820"], lan.Time.GetUtcNow()),
                new CachedPeer(stranger.Encode(), ["udp [fe80::51%7]:51820"], lan.Time.GetUtcNow()),
                new CachedPeer(shortLived.Encode(), ["udp [fe80::52%7]:51820"], lan.Time.GetUtcNow()),
                new CachedPeer(noEndpoint.Encode(), ["tcp 10.0.0.1:51820", "udp nonsense", "udp 10.0.0.1:0"], lan.Time.GetUtcNow()),
            ],
        };

        var a = lan.AddNode("alpha", cache: cache, announce: false);
        Assert.Equal(0, a.Counters.Discovery.CachedPeersLoaded);
        Assert.Equal(4, a.Counters.Discovery.CachedPeersRejected);
        Assert.Empty(a.Node.GetStatus().Peers);
        Assert.Equal(0, lan.Network.Sent);
    }

    [Theory]
    [InlineData("udp 10.0.0.1:51820", true)]
    [InlineData("udp [fe80::1%3]:51820", true)]
    [InlineData("udp [fd00::1]:443", true)]
    [InlineData("tcp 10.0.0.1:51820", false)]
    [InlineData("udp 10.0.0.1", false)]
    [InlineData("udp 10.0.0.1:0", false)]
    [InlineData("", false)]
    public void Cached_udp_endpoints_parse_and_keep_their_scope(string text, bool ok)
    {
        Assert.Equal(ok, Weft.Core.Node.MeshNode.TryParseUdp(text, out var endpoint));
        if (ok)
        {
            Assert.Equal(text, endpoint.ToString());
        }
    }

    private static bool Verified(LanNode at, LanNode other) => at.Peer(other) is { Verified: true };

    private static void Delivered(LanTestMesh lan, LanNode from, LanNode to, byte[] packet)
    {
        var before = to.Test.Tun.Packets.Count;
        from.Test.FromTun(packet);
        lan.Pump();
        var packets = to.Test.Tun.Packets;
        Assert.Equal(before + 1, packets.Count);
        Assert.Equal(packet, packets[^1]);
    }

    private static void Step(string text) => LanTestMesh.Step(text);
}
