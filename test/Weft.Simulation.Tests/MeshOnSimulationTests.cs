using System.Net;
using Weft.Core.Identity;
using Xunit;

namespace Weft.Simulation.Tests;

/// <summary>
/// The Weft core, unchanged, on the simulated network: two real mesh nodes find each other by
/// hello, handshake, exchange certificates and carry an IP packet, across topologies.
/// </summary>
public sealed class MeshOnSimulationTests(ITestOutputHelper output)
{
    public static TheoryData<string, double> Cases => new()
    {
        { "public", 0 },
        { "port-restricted cone", 0 },
        { "symmetric", 0 },
        { "firewall", 0 },
        { "double nat", 0 },
        { "port-restricted cone", 0.2 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_node_behind_a_router_joins_a_public_node_and_they_exchange_packets(string placement, double loss)
    {
        var net = new SimNetwork(seed: 11, trace: true);
        var internet = net.AddSegment("internet", latency: TimeSpan.FromMilliseconds(20), jitter: TimeSpan.FromMilliseconds(4), loss: loss);
        var ca = CertificateAuthority.Create("sim", IPNetwork.Parse("100.90.0.0/16"), "sim.weft", TimeSpan.FromDays(3650), net.Clock);
        using var a = new SimNode(net.AddHostBehind("a", internet, Routers(placement)), ca, "a", IPAddress.Parse("100.90.0.2"));
        using var b = new SimNode(internet.AddHost("b"), ca, "b", IPAddress.Parse("100.90.0.3"));

        net.Trace.Note("a adds b as a static peer");
        a.Node.AddStaticPeer(b.Host.EndPoint(51820));
        var joined = net.RunUntil(() => a.HasVerifiedPeer && b.HasVerifiedPeer, TimeSpan.FromSeconds(60));
        output.WriteLine($"joined={joined} at t={net.Clock.Elapsed.TotalSeconds:F3}s");
        Assert.True(joined, net.Trace.Tail(60) + "\n" + net.DescribeCounters());

        var toB = SendUntilDelivered(net, a, b, 0xAB);
        var toA = SendUntilDelivered(net, b, a, 0xBA);
        output.WriteLine(net.DescribeCounters());
        Assert.True(toB, "a -> b\n" + net.Trace.Tail(40));
        Assert.True(toA, "b -> a\n" + net.Trace.Tail(40));
    }

    [Fact]
    public void Two_hundred_nodes_behind_assorted_nats_join_one_public_hub()
    {
        const int Count = 200;
        var net = new SimNetwork(seed: 12);
        var internet = net.AddSegment("internet", latency: TimeSpan.FromMilliseconds(30), jitter: TimeSpan.FromMilliseconds(10), loss: 0.01);
        var ca = CertificateAuthority.Create("sim", IPNetwork.Parse("100.90.0.0/16"), "sim.weft", TimeSpan.FromDays(3650), net.Clock);
        using var hub = new SimNode(internet.AddHost("hub"), ca, "hub", IPAddress.Parse("100.90.0.1"));
        var placements = new[] { "public", "port-restricted cone", "symmetric", "firewall", "double nat" };
        var nodes = new List<SimNode>();
        var wall = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            for (var i = 0; i < Count; i++)
            {
                var host = net.AddHostBehind("n" + i, internet, Routers(placements[i % placements.Length]));
                var node = new SimNode(host, ca, "n" + i, IPAddress.Parse($"100.90.{1 + (i / 250)}.{1 + (i % 250)}"));
                node.Node.AddStaticPeer(hub.Host.EndPoint(51820));
                nodes.Add(node);
            }

            var joined = net.RunUntil(() => nodes.TrueForAll(n => n.HasVerifiedPeer), TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));
            wall.Stop();
            var hubPeers = hub.Node.GetStatus().Peers.Count(p => p.Verified);
            output.WriteLine($"{Count} nodes joined={joined} at t={net.Clock.Elapsed.TotalSeconds:F1}s, hub verified {hubPeers}, " +
                             $"{net.Clock.EventsRun} events, {wall.ElapsedMilliseconds} ms wall");
            output.WriteLine(net.Counters.ToString());
            Assert.True(joined, net.DescribeCounters());
            Assert.Equal(Count, hubPeers);
        }
        finally
        {
            nodes.ForEach(n => n.Dispose());
        }
    }

    /// <summary>Sends one packet a second until it shows up on the other node's TUN (the network may be lossy).</summary>
    private static bool SendUntilDelivered(SimNetwork net, SimNode from, SimNode to, byte marker)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var sent = from.SendFromTun(to.MeshAddress, marker);
            if (net.RunUntil(() => to.Tun.Packets.Exists(p => p.AsSpan().SequenceEqual(sent)), TimeSpan.FromSeconds(1)))
            {
                return true;
            }
        }

        return false;
    }

    private static NatBehavior[] Routers(string placement) => placement switch
    {
        "public" => [],
        "port-restricted cone" => [NatBehavior.PortRestrictedCone],
        "symmetric" => [NatBehavior.Symmetric],
        "firewall" => [NatBehavior.Firewall],
        "double nat" => [NatBehavior.Symmetric, NatBehavior.PortRestrictedCone],
        _ => throw new ArgumentOutOfRangeException(nameof(placement), placement, null),
    };
}
