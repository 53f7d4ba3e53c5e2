using Weft.SystemTests.Lab;
using Weft.Tests;
using Xunit;

namespace Weft.SystemTests;

/// <summary>
/// The shipping binary's memory (issue 5 targets): the NativeAOT <c>weft</c> that scripts/publish.sh builds, run as
/// two real daemons by scripts/measure-rss.sh, stays within 40 MB resident idle and 80 MB while iperf3 runs through
/// the tunnel, each. The script exits 3 when a daemon is over. Needs root, clang and zlib1g-dev (NativeAOT), jq, iperf3.
/// </summary>
public sealed class MemoryTests
{
    [Fact]
    public async Task Published_aot_daemons_stay_within_40_MB_idle_and_80_MB_under_load()
    {
        Requires.Root();
        Requires.Programs("ip", "iperf3", "jq", "clang");
        await using var lab = new NetworkLab();
        var root = RepositoryRoot();
        var output = lab.CreateTempDirectory("aot");
        lab.Log("scripts/publish.sh: the NativeAOT build (about a minute)");
        var publish = await lab.MustRunAsync(new ExecRequest(null, ["bash", Path.Combine(root, "scripts", "publish.sh"), output]) { Timeout = TimeSpan.FromMinutes(6) });
        var binary = publish.Stdout.Split('\n')[0].Trim();
        Assert.True(File.Exists(binary), $"publish.sh printed no binary path:\n{publish}");

        lab.Log("scripts/measure-rss.sh: two daemons, 5 s idle, 5 s of iperf3");
        var measured = await lab.ExecAsync(new ExecRequest(null,
            ["env", "IDLE_SECONDS=5", "LOAD_SECONDS=5", "bash", Path.Combine(root, "scripts", "measure-rss.sh"), binary])
        { Timeout = TimeSpan.FromMinutes(3) });
        lab.Log(measured.Stdout.Trim());
        Assert.True(measured.ExitCode != 3, $"a daemon is over its memory target:\n{measured}");
        Assert.True(measured.Succeeded, $"measure-rss.sh failed:\n{measured}");
        Assert.Contains("idle MB:", measured.Stdout, StringComparison.Ordinal);
    }

    /// <summary>The checkout the tests were built from: the first parent of the test assembly's folder with scripts/publish.sh.</summary>
    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "scripts", "publish.sh")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no parent of {AppContext.BaseDirectory} holds scripts/publish.sh");
    }
}
