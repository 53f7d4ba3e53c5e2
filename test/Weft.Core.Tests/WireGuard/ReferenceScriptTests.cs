using System.Diagnostics;
using Weft.Tests;
using Xunit;

namespace Weft.Core.Tests.WireGuard;

/// <summary>The committed vectors are exactly what the Python reference prints (so neither drifts).</summary>
public class ReferenceScriptTests
{
    [Fact]
    public void Committed_vectors_match_the_reference_script_output()
    {
        Requires.Programs("python3");
        var folder = FindSourceFolder();
        var script = Path.Combine(folder, "Vectors", "wg_reference.py");
        var start = new ProcessStartInfo("python3", [script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "the reference script did not finish in 60 s");
        Assert.Equal(0, process.ExitCode);

        var committed = File.ReadAllText(Path.Combine(folder, "HandshakeVectors.cs"));
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length > 25);
        foreach (var line in lines)
        {
            Assert.Contains(line.Trim(), committed, StringComparison.Ordinal);
        }
    }

    private static string FindSourceFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "test", "Weft.Core.Tests", "WireGuard");
            if (File.Exists(Path.Combine(candidate, "Vectors", "wg_reference.py")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("test/Weft.Core.Tests/WireGuard not found above " + AppContext.BaseDirectory);
    }
}
