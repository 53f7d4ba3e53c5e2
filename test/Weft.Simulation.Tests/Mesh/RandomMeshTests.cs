using System.Diagnostics;
using Xunit;

namespace Weft.Simulation.Tests.Mesh;

/// <summary>
/// Fifty members in a random sparse connected topology (fixed seed; one wire per link, so only
/// neighbours reach each other directly): the mesh converges, every pair exchanges packets, a cut
/// through the graph stops exactly the pairs across it, and healing brings them back.
/// </summary>
public sealed class RandomMeshTests(ITestOutputHelper output)
{
    private const int Count = 50;

    [Fact]
    public void Fifty_nodes_converge_every_pair_talks_and_a_cut_and_heal_behave()
    {
        var edges = MeshWorld.RandomSparse(Count, extra: Count / 2, seed: 50);
        using var world = new MeshWorld(seed: 50, Count, edges, latencies: new Random(50));
        var wall = Stopwatch.StartNew();
        output.WriteLine($"{Count} nodes, {edges.Count} links");

        var converged = world.Net.RunUntil(() => world.Converged(), TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(50));
        var convergedAt = world.Net.Clock.Elapsed;
        output.WriteLine($"converged={converged} at t={convergedAt.TotalSeconds:F2}s (virtual); {world.AdvertStatistics()}");
        Assert.True(converged, world.Net.DescribeCounters());

        var pairs = new List<(int, int)>();
        for (var a = 0; a < Count; a++)
        {
            for (var b = 0; b < Count; b++)
            {
                if (a != b)
                {
                    pairs.Add((a, b));
                }
            }
        }

        var missing = world.Exchange(pairs, round: 1, TimeSpan.FromSeconds(30));
        output.WriteLine($"all {pairs.Count} ordered pairs: {pairs.Count - missing.Count} delivered by t={world.Net.Clock.Elapsed.TotalSeconds:F2}s");
        Assert.Empty(missing);
        var forwarded = world.Members.Sum(m => m.Node.GetMeshCounters().EnvelopesForwarded);
        output.WriteLine($"envelopes forwarded by relays: {forwarded}");
        Assert.True(forwarded > 0);

        // Cut: nodes 0..24 form a connected part (each attached to an earlier one in the spanning tree).
        var side = new HashSet<int>(Enumerable.Range(0, Count / 2));
        var cutLinks = world.CutAcross(side, cut: true);
        var cutAt = world.Net.Clock.Elapsed;
        output.WriteLine($"cut {cutLinks} links between nodes 0..24 and the rest at t={cutAt.TotalSeconds:F2}s");
        var separated = world.Net.RunUntil(() => Enumerable.Range(0, Count / 2).All(i => world.CountersOf(i).ReachableNodes == Count / 2 - 1),
                                           TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50));
        output.WriteLine($"side A sees only itself after {(world.Net.Clock.Elapsed - cutAt).TotalSeconds:F2}s");
        Assert.True(separated);

        var random = new Random(7);
        var across = Enumerable.Range(0, 20).Select(_ => (random.Next(0, Count / 2), random.Next(Count / 2, Count))).ToList();
        var within = Enumerable.Range(0, 20).Select(_ => (random.Next(0, Count / 2), random.Next(0, Count / 2))).Where(p => p.Item1 != p.Item2).ToList();
        var acrossMissing = world.Exchange(across, round: 2, TimeSpan.FromSeconds(4));
        var withinMissing = world.Exchange(within, round: 2, TimeSpan.FromSeconds(10));
        output.WriteLine($"during the cut: {across.Count - acrossMissing.Count}/{across.Count} across delivered, {within.Count - withinMissing.Count}/{within.Count} within side A");
        Assert.Equal(across.Count, acrossMissing.Count);
        Assert.Empty(withinMissing);

        world.CutAcross(side, cut: false);
        var healAt = world.Net.Clock.Elapsed;
        var healed = world.Net.RunUntil(() => world.Converged(), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50));
        output.WriteLine($"healed: converged={healed} {(world.Net.Clock.Elapsed - healAt).TotalSeconds:F2}s after the heal");
        Assert.True(healed);
        var afterMissing = world.Exchange(across, round: 3, TimeSpan.FromSeconds(20));
        output.WriteLine($"after the heal: {across.Count - afterMissing.Count}/{across.Count} across delivered");
        Assert.Empty(afterMissing);

        output.WriteLine($"final: {world.AdvertStatistics()}; {world.Net.Clock.EventsRun} events, {wall.ElapsedMilliseconds} ms wall");
        Assert.All(world.Members, m => Assert.Equal(0, m.Node.GetMeshCounters().Database.Rejected));
    }
}
