using System.Diagnostics;
using System.Net;
using Weft.Core.Identity;
using Weft.Core.Mesh;
using Weft.Core.Node;
using Xunit;

namespace Weft.Simulation.Tests.Mesh;

/// <summary>
/// The scale report (numbers for the README, no pass/fail on them): the mesh at 200 and 1000 nodes
/// in a random sparse topology — virtual time to converge, adverts per node per minute at steady
/// state, and the routing state's memory per node. Minutes of wall time at 1000 nodes, so it runs
/// only when asked for: `sudo bash bench/scale.sh` (the normal test run filters out its trait, Category=Scale).
/// </summary>
public sealed class MeshScaleReport(ITestOutputHelper output)
{
    /// <summary>The trait that keeps this report out of the normal test run (scripts/test.sh filters it out; bench/scale.sh selects it).</summary>
    public const string Category = "Scale";

    [Theory]
    [Trait("Category", Category)]
    [InlineData(200)]
    [InlineData(1000)]
    public void Scale_report(int count)
    {
        var wall = Stopwatch.StartNew();
        var edges = MeshWorld.RandomSparse(count, extra: count / 2, seed: count);
        using var world = new MeshWorld(seed: count, count, edges, latencies: new Random(count));
        Report($"{count} nodes, {edges.Count} links (average degree {2.0 * edges.Count / count:F1}); built in {wall.ElapsedMilliseconds} ms wall");

        var converged = world.Net.RunUntil(() => world.Converged(), TimeSpan.FromMinutes(5), TimeSpan.FromMilliseconds(250));
        var convergedAt = world.Net.Clock.Elapsed;
        Report($"converged={converged} at t={convergedAt.TotalSeconds:F2}s virtual ({wall.Elapsed.TotalSeconds:F0} s wall); {world.AdvertStatistics()}");
        Assert.True(converged);

        // Let RTT measurements settle the link costs, then count a steady stretch.
        world.Net.RunFor(TimeSpan.FromSeconds(40));
        var before = world.Members.Select(m => m.Node.GetMeshCounters()).ToList();
        var steady = TimeSpan.FromMinutes(count > 500 ? 1 : 2);
        world.Net.RunFor(steady);
        var after = world.Members.Select(m => m.Node.GetMeshCounters()).ToList();
        var minutes = steady.TotalMinutes;
        double PerNodeMinute(Func<MeshCounters, long> f) => Enumerable.Range(0, count).Average(i => f(after[i]) - f(before[i])) / minutes;
        Report($"steady state over {minutes:F0} min virtual: per node per minute {PerNodeMinute(c => c.AdvertsOriginated):F2} adverts originated, " +
               $"{PerNodeMinute(c => c.AdvertsSent):F0} advert messages sent, {PerNodeMinute(c => c.AdvertsReceived):F0} received, " +
               $"{PerNodeMinute(c => c.Database.Accepted):F0} accepted (signature checked), {PerNodeMinute(c => c.RouteComputations):F2} route computations");
        Assert.True(world.Converged());

        var random = new Random(3);
        var pairs = Enumerable.Range(0, 30).Select(_ => (random.Next(count), random.Next(count))).Where(p => p.Item1 != p.Item2).ToList();
        var missing = world.Exchange(pairs, 1, TimeSpan.FromSeconds(20));
        Report($"{pairs.Count - missing.Count}/{pairs.Count} random pairs exchanged packets; longest path {world.Members.Max(m => world.Members.Max(o => m.Node.RelayPathTo(o.NodeId)?.Split("->").Length ?? 0))} relays");

        var (bytes, adverts) = RoutingStateBytes(world[0], world.Ca.Certificate);
        Report($"routing state of one node (link-state database of {adverts} adverts + shortest paths + member address table): " +
               $"{bytes / 1024.0:F0} KiB, {bytes / (double)adverts:F0} bytes per known member");
        Report($"{world.Net.Clock.EventsRun} simulation events, {wall.Elapsed.TotalSeconds:F0} s wall in all");
    }

    /// <summary>
    /// Measures what one node keeps for routing by rebuilding it from that node's adverts in a fresh
    /// database (every advert verified again), shortest paths and address table, with the GC's
    /// total memory before and after.
    /// </summary>
    private static (long Bytes, int Adverts) RoutingStateBytes(MeshMember member, CaCertificate ca)
    {
        var held = member.Node.LinkStateSnapshotForTests();
        var copies = held.Select(a => a.Encoded.ToArray()).ToList();
        var now = member.Host.Clock.GetUtcNow();
        var trust = new TrustStore(ca);
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var db = new LinkStateDatabase(trust, default);
        foreach (var copy in copies)
        {
            db.Offer(copy, now, out _, out _);
        }

        var paths = ShortestPaths.Compute(member.NodeId, db.Snapshot());
        var table = new RouteTable<LinkStateAdvert>(db.Snapshot().Select(a => (a, MeshNode.OwnedBy(a.Certificate))));
        var bytes = GC.GetTotalMemory(forceFullCollection: true) - baseline;
        GC.KeepAlive(db);
        GC.KeepAlive(paths);
        GC.KeepAlive(table);
        return (bytes, db.Count);
    }

    private void Report(string line)
    {
        output.WriteLine(line);
        Console.WriteLine("[mesh scale] " + line);
    }
}
