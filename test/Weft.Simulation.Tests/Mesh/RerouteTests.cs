using System.Text;
using Xunit;

namespace Weft.Simulation.Tests.Mesh;

/// <summary>
/// Failover: alpha talks to delta through the faster relay bravo; bravo dies (all its links cut) while
/// packets flow, and the traffic moves through charlie within 5 seconds.
/// </summary>
public sealed class RerouteTests(ITestOutputHelper output)
{
    private static readonly string[] Names = ["alpha", "bravo", "charlie", "delta"];

    [Fact]
    public void A_dead_relay_is_routed_around_within_five_seconds()
    {
        using var world = new MeshWorld(seed: 41, 4, [(0, 1), (1, 3), (0, 2), (2, 3)], i => Names[i]);
        // bravo's links are fast, charlie's slow: the mesh prefers bravo once RTTs are measured.
        foreach (var link in world.Net.Segments)
        {
            link.Profile = link.Profile with { Latency = TimeSpan.FromMilliseconds(link.Name.Contains("bravo") ? 3 : 30) };
        }

        Assert.True(world.Net.RunUntil(() => world.Converged() && world[0].Node.RelayPathTo(world[3].NodeId) == "via bravo",
                                       TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100)));
        Assert.Empty(world.Exchange([(0, 3)], 1, TimeSpan.FromSeconds(10)));
        output.WriteLine($"t={world.Net.Clock.Elapsed.TotalSeconds:F2}s alpha -> delta {world[0].Node.RelayPathTo(world[3].NodeId)}");

        // A packet every 100 ms, numbered, for 12 s; bravo dies 2 s in.
        var sent = new Dictionary<int, TimeSpan>();
        var start = world.Net.Clock.Elapsed;
        var n = 0;
        using var pump = world.Net.Clock.Every(TimeSpan.FromMilliseconds(100), () =>
        {
            if (n < 120)
            {
                sent[n] = world.Net.Clock.Elapsed;
                world[0].SendFromTun(world[3].MeshAddress, Encoding.ASCII.GetBytes($"seq {n++:D4} ........"));
            }
        });
        world.Net.RunFor(TimeSpan.FromSeconds(2));
        var cutAt = world.Net.Clock.Elapsed;
        world.CutAcross(new HashSet<int> { 1 }, cut: true);
        output.WriteLine($"t={cutAt.TotalSeconds:F2}s bravo's links cut");
        world.Net.RunFor(TimeSpan.FromSeconds(10));

        var delivered = new List<int>();
        for (var i = 0; i < n; i++)
        {
            if (world[3].Received(world[0].MeshAddress, Encoding.ASCII.GetBytes($"seq {i:D4} ........")))
            {
                delivered.Add(i);
            }
        }

        var firstAfter = delivered.Where(i => sent[i] > cutAt).Select(i => sent[i]).DefaultIfEmpty(TimeSpan.MaxValue).Min();
        var outage = firstAfter - cutAt;
        output.WriteLine($"{delivered.Count}/{n} packets delivered; first packet sent after the cut that arrived was sent {outage.TotalSeconds:F2}s after it; " +
                         $"now {world[0].Node.RelayPathTo(world[3].NodeId)}");
        Assert.True(outage < TimeSpan.FromSeconds(5), $"outage {outage}");
        Assert.Equal("via charlie", world[0].Node.RelayPathTo(world[3].NodeId));
        Assert.True(delivered.Count(i => sent[i] > cutAt + TimeSpan.FromSeconds(5)) >= 45, "traffic keeps flowing after the failover");
    }
}
