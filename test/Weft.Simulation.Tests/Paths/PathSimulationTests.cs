using System.Net;
using Weft.Core.Identity;
using Weft.Core.Net;
using Weft.Core.Node;
using Xunit;

namespace Weft.Simulation.Tests.Paths;

/// <summary>
/// Paths on the simulated internet, in virtual time: a host whose UDP is blocked gets in over a
/// stream, a session upgrades from a worse path to a better one and leaves a dead one within 5 s,
/// and a host that changes its address keeps its session.
/// </summary>
public sealed class PathSimulationTests(ITestOutputHelper output)
{
    [Fact]
    public void A_host_whose_udp_and_tcp_are_blocked_reaches_a_public_peer_over_tls_443()
    {
        var (net, internet, ca) = World(seed: 21);
        var streams = new SimStreams(net.Clock);
        using var relay = new SimNode(internet.AddHost("relay"), ca, "relay", IPAddress.Parse("100.90.0.1"), streams: streams);
        streams.Listen(relay.Host.EndPoint(443), TransportKind.Tls, relay.Node);
        var hostOnly443 = net.AddHostBehind("blocked", internet, NatBehavior.UdpBlocked);
        streams.Blocked = (from, remote, kind) => from == hostOnly443 && remote.Port != 443;
        using var blocked = new SimNode(hostOnly443, ca, "blocked", IPAddress.Parse("100.90.0.2"), streams: streams);

        blocked.Node.AddStaticPeer(relay.Host.EndPoint(51820));
        var joined = net.RunUntil(() => Verified(blocked, "relay") && Verified(relay, "blocked"), TimeSpan.FromSeconds(20));
        output.WriteLine($"joined={joined} at t={net.Clock.Elapsed.TotalSeconds:F2}s: {Path(blocked, "relay")}");
        Assert.True(joined, net.DescribeCounters());
        Assert.Equal($"direct tls {relay.Host.Ipv4}:443", Path(blocked, "relay"));
        Assert.StartsWith("direct tls ", Path(relay, "blocked"));
        Assert.True(net.Clock.Elapsed < TimeSpan.FromSeconds(8), "UDP (1.5 s), then TCP refused, then TLS");
        Assert.True(SendUntilDelivered(net, blocked, relay, 0x11));
        Assert.True(SendUntilDelivered(net, relay, blocked, 0x22));

        TestOutput("after a minute the session is still on TLS (UDP keeps failing, so nothing flaps)");
        net.RunFor(TimeSpan.FromSeconds(60));
        Assert.Equal($"direct tls {relay.Host.Ipv4}:443", Path(blocked, "relay"));
        Assert.True(SendUntilDelivered(net, blocked, relay, 0x33));
    }

    [Fact]
    public void A_session_on_tcp_upgrades_to_udp_when_udp_works_and_leaves_it_within_5_s_when_it_dies()
    {
        var (net, internet, ca) = World(seed: 22);
        var streams = new SimStreams(net.Clock);
        using var a = new SimNode(internet.AddHost("a"), ca, "a", IPAddress.Parse("100.90.0.1"), streams: streams);
        using var b = new SimNode(internet.AddHost("b"), ca, "b", IPAddress.Parse("100.90.0.2"), streams: streams);

        TestOutput("b's UDP is cut at first: b comes in over TCP");
        b.Host.Interfaces[0].Cut();
        b.Node.AddStaticPeer(a.Host.EndPoint(51820));
        Assert.True(net.RunUntil(() => Verified(b, "a") && Verified(a, "b"), TimeSpan.FromSeconds(20)), net.DescribeCounters());
        Assert.StartsWith("direct tcp ", Path(b, "a"));
        Assert.True(SendUntilDelivered(net, b, a, 0x01));

        TestOutput("UDP heals: both sides move to UDP without a new handshake");
        var handshakes = b.Node.GetStatus().Counters.WireGuard.HandshakeInitiationsSent;
        b.Host.Interfaces[0].Heal();
        var healedAt = net.Clock.Elapsed;
        Assert.True(net.RunUntil(() => Path(b, "a").StartsWith("direct udp", StringComparison.Ordinal)
                                        && Path(a, "b").StartsWith("direct udp", StringComparison.Ordinal), TimeSpan.FromSeconds(15)));
        output.WriteLine($"upgraded after {(net.Clock.Elapsed - healedAt).TotalSeconds:F2}s: {Path(b, "a")} / {Path(a, "b")}");
        Assert.Equal(handshakes, b.Node.GetStatus().Counters.WireGuard.HandshakeInitiationsSent);
        Assert.True(SendUntilDelivered(net, b, a, 0x02));
        Assert.True(SendUntilDelivered(net, a, b, 0x03));

        TestOutput("UDP dies again while the TCP connection still stands: back on TCP within 5 s");
        net.RunFor(TimeSpan.FromSeconds(3));
        b.Host.Interfaces[0].Cut();
        var cutAt = net.Clock.Elapsed;
        Assert.True(net.RunUntil(() => Path(b, "a").StartsWith("direct tcp", StringComparison.Ordinal)
                                        && Path(a, "b").StartsWith("direct tcp", StringComparison.Ordinal), TimeSpan.FromSeconds(5)),
                    $"{Path(b, "a")} / {Path(a, "b")}");
        output.WriteLine($"left the dead path after {(net.Clock.Elapsed - cutAt).TotalSeconds:F2}s");
        Assert.True(SendUntilDelivered(net, b, a, 0x04));
        Assert.True(SendUntilDelivered(net, a, b, 0x05));
        Assert.True(net.Clock.Elapsed - cutAt < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void A_host_that_moves_to_another_network_keeps_its_session()
    {
        var (net, internet, ca) = World(seed: 23);
        var home = net.AddNatRouter("home", internet, NatBehavior.PortRestrictedCone);
        var cafe = net.AddNatRouter("cafe", internet, NatBehavior.PortRestrictedCone);
        using var server = new SimNode(internet.AddHost("server"), ca, "server", IPAddress.Parse("100.90.0.1"));
        using var laptop = new SimNode(home.Inside.AddHost("laptop"), ca, "laptop", IPAddress.Parse("100.90.0.2"));
        laptop.Node.AddStaticPeer(server.Host.EndPoint(51820));
        Assert.True(net.RunUntil(() => Verified(laptop, "server") && Verified(server, "laptop"), TimeSpan.FromSeconds(20)));
        var before = Path(server, "laptop");
        Assert.True(SendUntilDelivered(net, server, laptop, 0x01));

        TestOutput("the laptop leaves home for the cafe (new address behind another NAT)");
        laptop.Host.Interfaces[0].Detach();
        laptop.Host.Attach(cafe.Inside);
        var movedAt = net.Clock.Elapsed;
        laptop.SendFromTun(server.MeshAddress, 0x02);   // traffic from the laptop shows the server where it went
        Assert.True(net.RunUntil(() => Path(server, "laptop") != before, TimeSpan.FromSeconds(5)), before);
        output.WriteLine($"server followed after {(net.Clock.Elapsed - movedAt).TotalSeconds:F2}s: {before} -> {Path(server, "laptop")}");
        Assert.True(SendUntilDelivered(net, server, laptop, 0x03));
        Assert.True(SendUntilDelivered(net, laptop, server, 0x04));
        Assert.Equal(1, server.Node.GetStatus().Peers.Count(p => p.Name == "laptop"));
    }

    private static (SimNetwork Net, Segment Internet, CertificateAuthority Ca) World(int seed)
    {
        var net = new SimNetwork(seed, trace: true);
        var internet = net.AddSegment("internet", latency: TimeSpan.FromMilliseconds(20), jitter: TimeSpan.FromMilliseconds(3));
        var ca = CertificateAuthority.Create("sim", IPNetwork.Parse("100.90.0.0/16"), "sim.weft", TimeSpan.FromDays(3650), net.Clock);
        return (net, internet, ca);
    }

    private static PeerStatus? Peer(SimNode node, string name) => node.Node.GetStatus().Peers.FirstOrDefault(p => p.Name == name);

    private static bool Verified(SimNode node, string name) => Peer(node, name) is { Verified: true };

    private static string Path(SimNode node, string name) => Peer(node, name)?.Path ?? "(none)";

    private void TestOutput(string text) => output.WriteLine(text);

    private static bool SendUntilDelivered(SimNetwork net, SimNode from, SimNode to, byte marker)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var sent = from.SendFromTun(to.MeshAddress, marker);
            if (net.RunUntil(() => to.Tun.Packets.Exists(p => p.AsSpan().SequenceEqual(sent)), TimeSpan.FromSeconds(1)))
            {
                return true;
            }
        }

        return false;
    }
}
