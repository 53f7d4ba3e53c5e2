using Xunit;

namespace Weft.Simulation.Tests.Mesh;

/// <summary>
/// A chain alpha – bravo – charlie – delta where each link is its own wire: only neighbours can
/// reach each other. Alpha's packets reach delta through bravo and charlie, inside an end-to-end
/// session the relays cannot read.
/// </summary>
public sealed class ChainTests(ITestOutputHelper output)
{
    private static readonly string[] Names = ["alpha", "bravo", "charlie", "delta"];

    [Fact]
    public void Alpha_reaches_delta_through_two_relays_that_never_see_plaintext()
    {
        using var world = new MeshWorld(seed: 31, 4, [(0, 1), (1, 2), (2, 3)], i => Names[i], capture: true);
        var converged = world.Net.RunUntil(() => world.Converged(), TimeSpan.FromSeconds(30));
        output.WriteLine($"converged={converged} at t={world.Net.Clock.Elapsed.TotalSeconds:F2}s; {world.AdvertStatistics()}");
        Assert.True(converged, world.Net.DescribeCounters());

        var alpha = world[0];
        var delta = world[3];
        Assert.Equal("via bravo -> charlie", alpha.Node.RelayPathTo(delta.NodeId));
        Assert.Equal(delta.NodeId, alpha.Node.ResolvePeer("delta"));
        Assert.Equal(delta.NodeId, alpha.Node.ResolvePeer("delta.sim.weft"));
        Assert.Equal(delta.NodeId, alpha.Node.ResolvePeer(delta.MeshAddress.ToString()));
        var map = alpha.Node.GetMap();
        output.WriteLine("map: " + string.Join(", ", map.Links.Select(l => $"{NameOf(world, l.From)}-{NameOf(world, l.To)} {l.CostMs}ms")));
        Assert.Equal(4, map.Nodes.Count);
        Assert.Equal(3, map.Links.Count);
        Assert.Single(map.Nodes, n => n.Self && n.Name == "alpha");

        output.WriteLine("alpha sends to delta's mesh address and delta answers");
        var missing = world.Exchange([(0, 3), (3, 0)], round: 1, TimeSpan.FromSeconds(20));
        Assert.Empty(missing);
        output.WriteLine($"delivered at t={world.Net.Clock.Elapsed.TotalSeconds:F2}s");

        var bravo = world.CountersOf(1);
        var charlie = world.CountersOf(2);
        output.WriteLine($"bravo forwarded {bravo.EnvelopesForwarded}, charlie forwarded {charlie.EnvelopesForwarded}, " +
                         $"alpha wrapped {world.CountersOf(0).EnvelopesSent}, delta delivered {world.CountersOf(3).EnvelopesDelivered}");
        Assert.True(bravo.EnvelopesForwarded > 0 && charlie.EnvelopesForwarded > 0);
        Assert.True(world.CountersOf(3).EnvelopesDelivered > 0);

        // The relays carried the packets but never had them in the clear: nothing on their TUN, and no
        // datagram they sent or received contains the plaintext.
        Assert.Empty(world[1].Tun.Packets);
        Assert.Empty(world[2].Tun.Packets);
        Assert.True(alpha.Wire.Datagrams.Count > 0 && world[1].Wire.Datagrams.Count > 0);
        foreach (var relay in new[] { world[1], world[2] })
        {
            Assert.False(relay.Wire.Saw(MeshWorld.Payload(0, 3, 1)), relay.Name + " saw alpha's plaintext");
            Assert.False(relay.Wire.Saw(MeshWorld.Payload(3, 0, 1)), relay.Name + " saw delta's plaintext");
        }

        // Delta verified alpha's certificate end to end (inside the relayed session).
        var deltaView = delta.Node.GetStatus().Peers.Single(p => p.Name == "alpha");
        Assert.True(deltaView.Verified);
        output.WriteLine($"delta's status for alpha: path '{deltaView.Path}', rtt {deltaView.RttMs} ms");
        Assert.Equal("via charlie -> bravo", deltaView.Path);
    }

    [Fact]
    public async Task A_mesh_ping_to_a_member_known_only_from_adverts_opens_its_session_first()
    {
        using var world = new MeshWorld(seed: 37, 4, [(0, 1), (1, 2), (2, 3)], i => Names[i]);
        Assert.True(world.Net.RunUntil(() => world.Converged(), TimeSpan.FromSeconds(30)), world.Net.DescribeCounters());
        var alpha = world[0];
        var delta = world[3];

        output.WriteLine("alpha knows delta from adverts only: no peer record, so a ping has nothing to go through");
        Assert.DoesNotContain(alpha.Node.GetStatus().Peers, p => p.Name == "delta");
        await Assert.ThrowsAsync<ArgumentException>(() => alpha.Node.PingAsync("delta", TimeSpan.FromSeconds(1)));

        output.WriteLine("opening the session through the mesh needs no IP packet on the TUN");
        Assert.True(alpha.Node.TryOpenMeshSession(delta.NodeId));
        Assert.False(alpha.Node.TryOpenMeshSession(alpha.NodeId));
        Assert.True(world.Net.RunUntil(
            () => delta.Node.GetStatus().Peers.Any(p => p.Name == "alpha" && p.Verified)
                  && alpha.Node.GetStatus().Peers.Any(p => p.Name == "delta" && p.Verified),
            TimeSpan.FromSeconds(10)));
        Assert.Empty(delta.Tun.Packets);

        // The reply completes the ping on the thread pool, outside the virtual clock: move virtual
        // time in small steps and give the pool a moment between them, so the answer is seen long
        // before the ping's own 5 s (virtual) timeout.
        var ping = alpha.Node.PingAsync("delta", TimeSpan.FromSeconds(5));
        for (var step = 0; step < 400 && !ping.IsCompleted; step++)
        {
            world.Net.Clock.RunFor(TimeSpan.FromMilliseconds(10));
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }

        var reply = await ping;
        Assert.NotNull(reply);
        output.WriteLine($"pong from delta via '{reply!.Path}' in {reply.RttMs:F1} ms");
        Assert.Equal("via bravo -> charlie", reply.Path);
    }

    [Fact]
    public void A_node_that_opted_out_of_relaying_is_not_used_as_a_hop_and_drops_envelopes()
    {
        // alpha – bravo(no relay) – delta and alpha – charlie – delta: the way through charlie is taken.
        using var world = new MeshWorld(seed: 32, 4, [(0, 1), (1, 3), (0, 2), (2, 3)], i => Names[i], relay: i => i != 1);
        Assert.True(world.Net.RunUntil(() => world.Converged(), TimeSpan.FromSeconds(30)));
        Assert.Equal("via charlie", world[0].Node.RelayPathTo(world[3].NodeId));
        Assert.False(world[0].Node.GetMap().Nodes.Single(n => n.Name == "bravo").Relay);
        Assert.Empty(world.Exchange([(0, 3), (3, 0)], 1, TimeSpan.FromSeconds(20)));
        Assert.Equal(0, world.CountersOf(1).EnvelopesForwarded);
        Assert.True(world.CountersOf(2).EnvelopesForwarded > 0);

        // With charlie gone, nobody relays: alpha and delta cannot talk (and bravo stays out of it).
        world.CutAcross(new HashSet<int> { 2 }, cut: true);
        Assert.True(world.Net.RunUntil(() => world[0].Node.RelayPathTo(world[3].NodeId) is null
                                             && world[0].Node.GetMeshCounters().ReachableNodes == 1, TimeSpan.FromSeconds(10)));
        Assert.NotEmpty(world.Exchange([(0, 3)], 2, TimeSpan.FromSeconds(6)));
        Assert.Equal(0, world.CountersOf(1).EnvelopesForwarded);
    }

    private static string NameOf(MeshWorld world, string nodeId) => world.Members.Single(m => m.NodeId.ToString() == nodeId).Name;
}
