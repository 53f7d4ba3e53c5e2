using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Xunit;

namespace Weft.Tests;

/// <summary>
/// Running programs from tests (ip, nft, miniupnpd, python3 in namespaces): one call that must succeed, one that reports
/// its exit code, one that streams a long-running program's lines, and a timestamped step line in the test output.
/// </summary>
public static class TestCommands
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Runs <paramref name="argv"/> (program first, looked up on PATH) and returns its exit code and output (stdout then stderr); -1 after 15 s.</summary>
    public static (int Code, string Output) Run(params string[] argv)
    {
        ArgumentNullException.ThrowIfNull(argv);
        using var process = Process.Start(StartInfo(argv[0], argv.AsSpan(1)))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(RunTimeout))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "timed out");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>Runs <paramref name="argv"/> and fails the test with its output unless it exits 0; returns the output.</summary>
    public static string Exec(params string[] argv)
    {
        var (code, output) = Run(argv);
        Assert.True(code == 0, $"{string.Join(' ', argv)} failed ({code}): {output}");
        return output;
    }

    /// <summary>Starts <paramref name="program"/> with <paramref name="arguments"/>; each line it prints goes to <paramref name="lines"/> (stderr ones prefixed "stderr: ").</summary>
    public static Process Start(string program, IReadOnlyList<string> arguments, BlockingCollection<string> lines)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(lines);
        var process = Process.Start(StartInfo(program, [.. arguments]))!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lines.Add(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lines.Add("stderr: " + e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>
    /// Takes lines until one contains <paramref name="text"/> and returns it; fails the test, quoting every line seen,
    /// when none comes within <paramref name="timeout"/> of the previous one.
    /// </summary>
    public static string WaitForLine(BlockingCollection<string> lines, string text, TimeSpan timeout, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var seen = new List<string>();
        while (lines.TryTake(out var line, (int)timeout.TotalMilliseconds, cancel))
        {
            seen.Add(line);
            if (line.Contains(text, StringComparison.Ordinal))
            {
                return line;
            }
        }

        Assert.Fail($"no '{text}' within {timeout.TotalSeconds:F0} s:\n{string.Join('\n', seen)}");
        return "";
    }

    /// <summary>Writes "HH:mm:ss.fff text" to the running test's output.</summary>
    public static void Step(string text) =>
        TestContext.Current.TestOutputHelper?.WriteLine($"{DateTime.UtcNow.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)} {text}");

    private static ProcessStartInfo StartInfo(string program, ReadOnlySpan<string> arguments)
    {
        var start = new ProcessStartInfo(Requires.FindOnPath(program) ?? program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }
}
