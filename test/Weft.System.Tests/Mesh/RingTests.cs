using System.Globalization;
using Weft.SystemTests.Lab;
using Weft.Tests;
using Xunit;

namespace Weft.SystemTests.Mesh;

/// <summary>
/// Issue 3 (b): a ring alpha – bravo – charlie – delta – alpha. While alpha pings bravo five times a
/// second, the alpha–bravo link goes down (<c>ip link set down</c>); the replies stop for at most
/// 5 s and then come back the other way round (via delta and charlie), as alpha's status says.
/// </summary>
public sealed class RingTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task CutLinkInARingIsRoutedAroundWithinFiveSeconds()
    {
        Requires.Root();
        Requires.Programs("ip", "ping");
        await using var lab = new NetworkLab();
        lab.Log("Story: four members in a ring; alpha pings bravo; the alpha-bravo cable is cut; the ping must find the long way round within 5 s.");
        var world = await MeshLab.CreateAsync(lab, ["alpha", "bravo", "charlie", "delta"]);
        var (a, b, c, d) = (world["alpha"], world["bravo"], world["charlie"], world["delta"]);
        await world.LinkAsync(a, b);
        await world.LinkAsync(b, c);
        await world.LinkAsync(c, d);
        await world.LinkAsync(d, a);
        await world.StartAllAsync();
        await world.WaitForNeighboursAsync(TimeSpan.FromSeconds(30));

        lab.Log("alpha reaches bravo directly, and knows the whole ring (charlie two hops away either way).");
        await WeftScenario.MustPingAsync(lab, a.Namespace, b.MeshIpv4!);
        await MeshLab.WaitForPathAsync(a, b, p => p.StartsWith("direct", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "direct");
        await WeftScenario.MustPingAsync(lab, a.Namespace, c.MeshIpv4!);

        lab.Log("alpha starts pinging bravo every 0.2 s (75 requests, 15 s).");
        var ping = lab.StartProcess(a.Namespace, "alpha: ping bravo", ["ping", "-i", "0.2", "-c", "75", "-W", "1", b.MeshIpv4!]);
        Assert.True(await ping.WaitForLineAsync(l => l.Contains("icmp_seq=10 ", StringComparison.Ordinal), TimeSpan.FromSeconds(10)), $"the ping did not get going:\n{ping.Output}");
        var beforeCut = PingSeries.Parse(ping.Lines, Interval);
        var cutAfterSeq = beforeCut.Received.Count == 0 ? 0 : beforeCut.Received.Max();

        lab.Log($"Cut: alpha's end of the alpha-bravo link goes down (replies so far up to icmp_seq {cutAfterSeq}).");
        await lab.MustRunAsync(a.Namespace, "ip", "link", "set", a.InterfaceTowards(b), "down");

        var exit = await ping.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.NotNull(exit);
        var series = PingSeries.Parse(ping.Lines, Interval);
        var (silence, lastBefore, firstAfter) = series.LongestSilence(after: cutAfterSeq);
        lab.Log(string.Create(CultureInfo.InvariantCulture, $"ping after the cut: {series}; longest silence {(silence == TimeSpan.MaxValue ? "forever" : silence.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s")} (icmp_seq {lastBefore} -> {firstAfter})"));
        Assert.True(series.Transmitted > 0, $"ping printed no summary:\n{ping.Output}");
        Assert.True(silence != TimeSpan.MaxValue, $"after the cut, bravo never answered again: {series}");
        Assert.True(silence <= TimeSpan.FromSeconds(5), $"the replies stopped for {silence.TotalSeconds:F1} s (icmp_seq {lastBefore} -> {firstAfter}), more than 5 s: {series}");

        lab.Log("alpha's status now shows bravo the other way round.");
        var path = await MeshLab.WaitForPathAsync(a, b, p => p == "via delta -> charlie", TimeSpan.FromSeconds(10), "via delta -> charlie");
        Assert.Equal("via delta -> charlie", path);
        await WeftScenario.MustPingAsync(lab, b.Namespace, a.MeshIpv4!);
    }
}
