using System.Globalization;
using System.Text.RegularExpressions;
using Weft.SystemTests.Lab;
using Xunit;

namespace Weft.SystemTests.Demo;

/// <summary>
/// <c>weft demo</c> end to end, as a user runs it: it must bring the whole namespace world up,
/// get an answer for every ordered pair of its five nodes, and leave nothing behind — no
/// namespace with its prefix, none of the daemons it started, no temp directory — both when it
/// ends by itself and when it is interrupted with Ctrl-C (SIGINT).
/// The full run needs the mesh pieces (relays, TCP/TLS fallback, adverts, mesh ping) merged.
/// </summary>
public sealed partial class DemoTests
{
    private static readonly TimeSpan DemoBound = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Demo_pings_every_pair_and_removes_everything()
    {
        Weft.Tests.Requires.Root();
        Weft.Tests.Requires.Programs("ip", "nft");
        await using var lab = new NetworkLab();

        lab.Log("run weft demo (bounded)");
        var demo = lab.StartProcess(null, "weft demo", [.. WeftBinary.Command, "demo", "--timeout", "90"]);
        var exit = await demo.WaitForExitAsync(DemoBound);
        if (exit is null)
        {
            lab.Log($"weft demo still runs after {DemoBound}; interrupting it");
            demo.Signal(2);
            await demo.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        var output = demo.Output;
        await AssertNothingLeftAsync(lab, demo, output);
        Assert.True(exit == 0, $"weft demo exited with {exit?.ToString(CultureInfo.InvariantCulture) ?? "nothing (timed out)"}:\n{output}");

        // Every ordered pair of the five nodes answered, each line naming the path it took.
        string[] nodes = ["desk", "nas", "laptop", "office", "relay"];
        foreach (var from in nodes)
        {
            foreach (var to in nodes.Where(n => n != from))
            {
                var line = demo.Lines.FirstOrDefault(l => Regex.IsMatch(l, $@"^\s*{from}\s+->\s+{to}\s"));
                Assert.True(line is not null, $"no ping line for {from} -> {to}:\n{output}");
                Assert.Matches($@"pong from {to} .*via .+ in [0-9.]+ ms", line);
            }
        }

        Assert.Contains(demo.Lines, l => l.Contains("demo OK: all 20 pairs answered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ctrl_C_while_the_mesh_comes_up_removes_everything()
    {
        Weft.Tests.Requires.Root();
        Weft.Tests.Requires.Programs("ip", "nft");
        await using var lab = new NetworkLab();

        var demo = lab.StartProcess(null, "weft demo", [.. WeftBinary.Command, "demo", "--timeout", "120"]);
        Assert.True(
            await demo.WaitForLineAsync(l => l.Contains("waiting until every node is connected", StringComparison.Ordinal), TimeSpan.FromSeconds(120)),
            $"weft demo never started its daemons:\n{demo.Output}");
        Assert.Equal(5, DaemonPids(demo.Output).Count);

        lab.Log("Ctrl-C (SIGINT) to weft demo");
        demo.Signal(2);
        var exit = await demo.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(exit == 130, $"weft demo exited with {exit?.ToString(CultureInfo.InvariantCulture) ?? "nothing (still running)"} after SIGINT:\n{demo.Output}");
        Assert.Contains("interrupted; everything it created is removed", demo.Output, StringComparison.Ordinal);
        await AssertNothingLeftAsync(lab, demo, demo.Output);
    }

    /// <summary>No namespace weftdemo-PID-*, none of the daemons it reported, no temp directory.</summary>
    private static async Task AssertNothingLeftAsync(NetworkLab lab, LabProcess demo, string output)
    {
        var prefix = string.Create(CultureInfo.InvariantCulture, $"weftdemo-{demo.Pid}-");
        var namespaces = await lab.MustRunAsync(null, "ip", "netns", "list");
        var left = namespaces.Stdout.Split('\n').Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        Assert.True(left.Count == 0, $"namespaces left behind: {string.Join(", ", left)}\n{output}");

        var pids = DaemonPids(output);
        lab.Log($"the demo started daemons {string.Join(", ", pids)}");
        foreach (var pid in pids)
        {
            var cmdline = $"/proc/{pid}/cmdline";
            var alive = File.Exists(cmdline) && File.ReadAllText(cmdline).Contains("weft", StringComparison.Ordinal);
            Assert.False(alive, $"weft daemon pid {pid} is still running\n{output}");
        }

        var directory = StateDirectory().Match(output);
        Assert.True(directory.Success, $"the demo did not say where its state is:\n{output}");
        Assert.False(Directory.Exists(directory.Groups[1].Value), $"{directory.Groups[1].Value} is left behind");
    }

    private static List<int> DaemonPids(string output) =>
        [.. DaemonPid().Matches(output).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];

    [GeneratedRegex(@"weft up.*\(pid (\d+), log ")]
    private static partial Regex DaemonPid();

    [GeneratedRegex(@"state and logs in (/\S+)\)")]
    private static partial Regex StateDirectory();
}
