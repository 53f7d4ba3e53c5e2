using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Weft.SystemTests.Lab;
using Weft.Tests;
using Xunit;

namespace Weft.SystemTests.Nat;

/// <summary>
/// Issue 4, relay to direct mid-stream: two members behind restricted routers; the relay's and the
/// witness's links are limited to 40 mbit (tbf, both ways) so relayed traffic is clearly slower; inet
/// first drops UDP between the two routers' WAN subnets, so the pair starts relayed. A 25 s iperf3
/// (TCP) runs from member one to member two; 5 s in, the drop rule goes, and weft's retry must move
/// the path to direct while iperf3 runs: iperf3 exits 0 (the connection never broke), the status
/// shows direct before the end, and the mean throughput of the intervals after the switch (skipping
/// one second) is at least twice the mean before it.
/// </summary>
public sealed class NatSwitchIperfTests
{
    private const int Seconds = 25;
    private static readonly TimeSpan UnblockAfter = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task IperfMovesFromTheRelayToDirectWithoutBreaking()
    {
        Requires.Root();
        Requires.Programs("ip", "nft", "ping", "iperf3", "tc", "ss");
        await using var lab = new NetworkLab();
        lab.Log("Story: 'one' and 'two' behind restricted routers; the internet drops UDP between them, so they start relayed over a 40 mbit relay; mid-transfer the block goes.");
        var world = await NatWorld.CreateAsync(lab, [new NatSiteSpec(NatKind.Restricted, ["one"]), new NatSiteSpec(NatKind.Restricted, ["two"])]);
        var (one, two) = (world["one"], world["two"]);
        await world.Nat.BlockUdpBetweenAsync(one.Site, two.Site);
        await world.Nat.LimitRateAsync(world.Relay.Namespace, "40mbit");
        await world.Nat.LimitRateAsync(world.Witness.Namespace, "40mbit");

        lab.Log("one pings two until the relayed path carries traffic.");
        Assert.True(await WeftScenario.WaitForPingAsync(lab, one.Member.Namespace, two.Member.MeshIpv4!, TimeSpan.FromSeconds(20)), $"two never answered a ping through the relay\n{await world.DumpAsync(one.Member, two.Member)}");
        var startPath = await NatWorld.PathAsync(one.Member, two.Member);
        lab.Log($"one -> two: \"{startPath}\"");
        Assert.False(NatWorld.IsDirectUdp(startPath), $"the pair is direct although inet drops UDP between them: {startPath}");

        await using var server = lab.StartProcess(two.Member.Namespace, "iperf3 server", ["iperf3", "-s", "-1", "-B", two.Member.MeshIpv4!, "-p", "5201"]);
        Assert.True(
            await Poll.UntilAsync(async () => (await lab.ExecAsync(new ExecRequest(two.Member.Namespace, ["ss", "-Hltn", "sport = :5201"]) { Quiet = true })).Stdout.Contains("5201", StringComparison.Ordinal), TimeSpan.FromSeconds(10)),
            $"the iperf3 server never listened:\n{server.Output}");

        lab.Log($"iperf3 one -> two for {Seconds} s starts; the block goes after {UnblockAfter.TotalSeconds:F0} s.");
        var clock = Stopwatch.StartNew();
        var iperf = lab.ExecAsync(new ExecRequest(one.Member.Namespace, ["iperf3", "-c", two.Member.MeshIpv4!, "-p", "5201", "-t", Seconds.ToString(CultureInfo.InvariantCulture), "-i", "1", "-J"]) { Timeout = TimeSpan.FromSeconds(Seconds + 30), Quiet = true });
        await Task.Delay(UnblockAfter, TestContext.Current.CancellationToken);
        await world.Nat.UnblockUdpAsync();
        var unblockedAt = clock.Elapsed;
        TimeSpan? switchedAt = null;
        string? path = null;
        while (!iperf.IsCompleted && switchedAt is null)
        {
            path = await NatWorld.PathAsync(one.Member, two.Member);
            if (NatWorld.IsDirectUdp(path) && NatWorld.IsDirectUdp(await NatWorld.PathAsync(two.Member, one.Member)))
            {
                switchedAt = clock.Elapsed;
            }
            else
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
        }

        lab.Log(switchedAt is { } s
            ? $"direct at {s.TotalSeconds:F1} s into the run ({(s - unblockedAt).TotalSeconds:F1} s after the block went): \"{path}\""
            : $"still not direct when iperf3 ended: \"{path}\"");
        var result = await iperf;
        Assert.True(result.Succeeded, $"iperf3 did not complete: {result}");
        var intervals = (JsonNode.Parse(result.Stdout)?["intervals"] as JsonArray ?? [])
            .Select(i => (Start: i?["sum"]?["start"]?.GetValue<double>() ?? 0, End: i?["sum"]?["end"]?.GetValue<double>() ?? 0, Bps: i?["sum"]?["bits_per_second"]?.GetValue<double>() ?? 0))
            .ToList();
        var at = switchedAt?.TotalSeconds ?? double.MaxValue;
        foreach (var (start, end, bps) in intervals)
        {
            lab.Log(string.Create(CultureInfo.InvariantCulture, $"  {start,5:F1}-{end,5:F1} s  {bps / 1e6,9:F1} Mbit/s{(start <= at && at < end ? "   <- direct" : "")}{(start <= unblockedAt.TotalSeconds && unblockedAt.TotalSeconds < end ? "   <- unblocked" : "")}"));
        }

        Assert.True(switchedAt is not null, $"the path never went direct during the run (last \"{path}\")\n{await world.DumpAsync(one.Member, two.Member)}");
        var before = intervals.Where(i => i.End <= at).Select(i => i.Bps).ToList();
        var after = intervals.Where(i => i.Start >= at + 1).Select(i => i.Bps).ToList();
        Assert.True(before.Count > 0 && after.Count > 0, $"no intervals on one side of the switch at {at:F1} s (before {before.Count}, after {after.Count})");
        var meanBefore = before.Average();
        var meanAfter = after.Average();
        lab.Log(string.Create(CultureInfo.InvariantCulture, $"RESULT relayed {meanBefore / 1e6:F1} Mbit/s ({before.Count} intervals) -> direct {meanAfter / 1e6:F1} Mbit/s ({after.Count} intervals), x{meanAfter / meanBefore:F1}; switch {at:F1} s into the run, {(at - unblockedAt.TotalSeconds):F1} s after the unblock"));
        Assert.True(meanAfter >= 2 * meanBefore, $"throughput after the switch ({meanAfter / 1e6:F1} Mbit/s) is not twice the relayed one ({meanBefore / 1e6:F1} Mbit/s)");
    }
}
