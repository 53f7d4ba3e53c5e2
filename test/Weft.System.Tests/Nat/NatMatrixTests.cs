using System.Diagnostics;
using System.Globalization;
using System.Text;
using Weft.SystemTests.Lab;
using Weft.SystemTests.Mesh;
using Weft.Tests;
using Xunit;

namespace Weft.SystemTests.Nat;

/// <summary>
/// Issue 4, the NAT matrix: for every unordered pair of router kinds {X, Y} (X = Y included, 28
/// pairs) member X1 pings member Y2 over the overlay every 0.2 s while both daemons' status is
/// polled until each shows the other on a direct UDP path — timed from the first ping — or 12 s pass.
/// Every pair where no side is UDP-blocked and not both are symmetric must go direct within 10 s;
/// the others may stay relayed but their pings must get through. Pairs run one after another (a
/// hard-NAT sweep opens tens of thousands of conntrack entries on a router). The matrix is printed as
/// markdown and written to <c>$WEFT_NAT_MATRIX_OUT</c> when set. For debugging, <c>$WEFT_NAT_PAIRS</c>
/// ("restricted:symmetric,bare:bare") runs only the pairs it names.
/// </summary>
[Collection(NatMatrixCollection.Name)]
public sealed class NatMatrixTests(NatMatrixFixture fixture)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Watch = TimeSpan.FromSeconds(12);
    private static readonly TimeSpan DirectWithin = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task EveryPairOfRouterKindsGoesDirectOrStillPassesTraffic()
    {
        Requires.Root();
        Requires.Programs("ip", "nft", "ping", "python3", "miniupnpd");
        var world = await fixture.GetAsync();
        var lab = world.Lab;
        var kinds = Enum.GetValues<NatKind>();
        var results = new List<NatPairResult>();
        var failures = new List<string>();
        var total = Stopwatch.StartNew();
        var only = Environment.GetEnvironmentVariable("WEFT_NAT_PAIRS")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var i = 0; i < kinds.Length; i++)
        {
            for (var j = i; j < kinds.Length; j++)
            {
                if (only is { Length: > 0 } && !only.Contains($"{NatTruth.Name(kinds[i])}:{NatTruth.Name(kinds[j])}", StringComparer.Ordinal))
                {
                    continue;
                }

                var a = world[NatMatrixFixture.MemberName(kinds[i], 1)];
                var b = world[NatMatrixFixture.MemberName(kinds[j], 2)];
                var result = await MeasurePairAsync(world, kinds[i], kinds[j], a, b);
                results.Add(result);
                lab.Log($"RESULT {result}");
                var problem = Judge(result);
                if (problem is not null)
                {
                    failures.Add($"{NatTruth.Name(kinds[i])} x {NatTruth.Name(kinds[j])}: {problem}\n{await world.DumpAsync(a.Member, b.Member)}");
                }
            }
        }

        var matrix = Markdown(kinds, results);
        lab.Log($"the matrix ({results.Count} pairs in {total.Elapsed.TotalSeconds:F0} s):\n{matrix}");
        TestContext.Current.TestOutputHelper?.WriteLine(matrix);
        var output = Environment.GetEnvironmentVariable("WEFT_NAT_MATRIX_OUT");
        if (!string.IsNullOrEmpty(output))
        {
            await File.WriteAllTextAsync(output, matrix, TestContext.Current.CancellationToken);
        }

        Assert.True(failures.Count == 0, $"{failures.Count} pair(s) failed:\n{string.Join("\n\n", failures)}\n\n{matrix}");
    }

    /// <summary>Null when the pair did what it must; else what went wrong.</summary>
    private static string? Judge(NatPairResult r)
    {
        if (r.PingsAnswered == 0 || !r.LastPingsAnswered)
        {
            return $"pings did not get through ({r.PingsAnswered}/{r.PingsSent}, last answered: {r.LastPingsAnswered})";
        }

        if (!r.MayStayRelayed && (r.DirectAfter is null || r.DirectAfter > DirectWithin))
        {
            return $"not direct within {DirectWithin.TotalSeconds:F0} s ({r.Cell}; paths \"{r.PathAB}\" / \"{r.PathBA}\")";
        }

        return null;
    }

    private static async Task<NatPairResult> MeasurePairAsync(NatWorld world, NatKind kindA, NatKind kindB, NatMember a, NatMember b)
    {
        var lab = world.Lab;
        lab.Log($"PAIR {NatTruth.Name(kindA)} x {NatTruth.Name(kindB)}: {a} pings {b} ({b.Member.MeshIpv4}) every {Interval.TotalSeconds} s");
        // The time to direct is only meaningful from a cold start: an earlier test in this shared lab must not have
        // given the pair a direct path already.
        var earlier = await NatWorld.PathAsync(a.Member, b.Member);
        Assert.False(NatWorld.IsDirectUdp(earlier), $"{a} already had a direct path to {b} before the first ping (\"{earlier}\"): an earlier test in the shared lab talked between them");
        var clock = Stopwatch.StartNew();
        var ping = lab.StartProcess(a.Member.Namespace, $"ping {a.Name}->{b.Name}", ["ping", "-n", "-i", "0.2", "-W", "1", "-w", "20", b.Member.MeshIpv4!], null, logLines: false);
        TimeSpan? direct = null;
        string? ab = null, ba = null;
        try
        {
            while (clock.Elapsed < Watch)
            {
                var paths = await Task.WhenAll(NatWorld.PathAsync(a.Member, b.Member), NatWorld.PathAsync(b.Member, a.Member));
                (ab, ba) = (paths[0], paths[1]);
                if (NatWorld.IsDirectUdp(ab) && NatWorld.IsDirectUdp(ba))
                {
                    direct = clock.Elapsed;
                    break;
                }

                await Task.Delay(100, TestContext.Current.CancellationToken);
            }

            lab.Log(direct is { } t
                ? $"  direct after {t.TotalSeconds:F1} s: {a.Name} -> \"{ab}\", {b.Name} -> \"{ba}\""
                : $"  not direct after {Watch.TotalSeconds:F0} s: {a.Name} -> \"{ab}\", {b.Name} -> \"{ba}\"");

            // A second more of pings on the final path, so "the last pings were answered" means this path carries traffic.
            await Task.Delay(TimeSpan.FromSeconds(1.2), TestContext.Current.CancellationToken);
        }
        finally
        {
            ping.Signal(Lab.Interop.SIGINT);
            await ping.WaitForExitAsync(TimeSpan.FromSeconds(5));
            await ping.StopAsync(TimeSpan.FromSeconds(2));
        }

        var series = PingSeries.Parse(ping.Lines, Interval);
        var lastSeq = series.Transmitted;
        var lastAnswered = series.Received.Count > 0 && series.Received.Max() >= lastSeq - 3;
        lab.Log($"  pings: {series}");
        return new NatPairResult(kindA, kindB, direct, ab, ba, series.Transmitted, series.Received.Count, lastAnswered);
    }

    private static string Markdown(NatKind[] kinds, List<NatPairResult> results)
    {
        var text = new StringBuilder();
        text.Append("| X1 \\ Y2 |");
        foreach (var k in kinds)
        {
            text.Append(CultureInfo.InvariantCulture, $" {NatTruth.Name(k)} |");
        }

        text.AppendLine();
        text.Append("|---|");
        text.AppendLine(string.Concat(kinds.Select(_ => "---|")));
        for (var i = 0; i < kinds.Length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"| **{NatTruth.Name(kinds[i])}** |");
            for (var j = 0; j < kinds.Length; j++)
            {
                var r = results.FirstOrDefault(x => (x.A == kinds[i] && x.B == kinds[j]) || (x.A == kinds[j] && x.B == kinds[i]));
                text.Append(CultureInfo.InvariantCulture, $" {(j < i ? "" : r?.Cell ?? "-")} |");
            }

            text.AppendLine();
        }

        return text.ToString();
    }
}
