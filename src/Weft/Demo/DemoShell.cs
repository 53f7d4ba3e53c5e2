using System.Diagnostics;
using Weft.Cli;

namespace Weft.Demo;

/// <summary>
/// Runs the programs the demo drives (ip, nft, sh, weft itself), optionally inside a network
/// namespace (<c>ip netns exec NS ...</c>), and starts the long-running <c>weft up</c> daemons with
/// their output in a log file. A failing step is a <see cref="UserErrorException"/> that quotes the
/// command and what it printed, so the demo stops (and cleans up) with a readable reason.
/// </summary>
internal sealed class DemoShell
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    public DemoShell(IReadOnlyList<string> weft)
    {
        Weft = weft;
    }

    /// <summary>The argv prefix that runs this very weft program.</summary>
    public IReadOnlyList<string> Weft { get; }

    /// <summary>Runs a program to completion; returns its exit code and output.</summary>
    public async Task<(int ExitCode, string Out, string Error)> TryRunAsync(string? ns, IReadOnlyList<string> argv, CancellationToken cancellationToken)
    {
        using var process = new Process { StartInfo = StartInfo(ns, argv) };
        process.StartInfo.RedirectStandardOutput = true;
        process.StartInfo.RedirectStandardError = true;
        process.StartInfo.RedirectStandardInput = true;
        if (!process.Start())
        {
            throw new UserErrorException($"cannot start {Describe(ns, argv)}");
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(StepTimeout);
        try
        {
            await process.WaitForExitAsync(bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            throw new UserErrorException($"{Describe(ns, argv)} did not finish within {StepTimeout.TotalSeconds:0} s");
        }

        return (process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
    }

    /// <summary>Runs a program that must succeed; returns what it printed on stdout.</summary>
    public async Task<string> RunAsync(string? ns, IReadOnlyList<string> argv, CancellationToken cancellationToken)
    {
        var (code, output, error) = await TryRunAsync(ns, argv, cancellationToken).ConfigureAwait(false);
        if (code != 0)
        {
            var said = (error.Length > 0 ? error : output).Trim();
            throw new UserErrorException($"{Describe(ns, argv)} failed (exit {code}){(said.Length > 0 ? ": " + said : "")}");
        }

        return output;
    }

    /// <summary>Runs this weft program with <paramref name="arguments"/>.</summary>
    public Task<string> WeftAsync(string? ns, IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        RunAsync(ns, [.. Weft, .. arguments], cancellationToken);

    /// <summary>Like <see cref="WeftAsync"/> but returns the exit code instead of failing.</summary>
    public Task<(int ExitCode, string Out, string Error)> TryWeftAsync(string? ns, IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        TryRunAsync(ns, [.. Weft, .. arguments], cancellationToken);

    /// <summary>
    /// Starts a long-running program in <paramref name="ns"/> with stdout and stderr appended to
    /// <paramref name="logFile"/>. <c>ip netns exec</c> execs the program, so the PID is the program's own.
    /// </summary>
    public static Process Start(string ns, IReadOnlyList<string> argv, string logFile)
    {
        var command = "exec " + string.Join(' ', new[] { "ip", "netns", "exec", ns }.Concat(argv).Select(Quote)) + " >>" + Quote(logFile) + " 2>&1";
        var process = new Process { StartInfo = new ProcessStartInfo("sh") { ArgumentList = { "-c", command }, UseShellExecute = false } };
        process.StartInfo.RedirectStandardInput = true;
        if (!process.Start())
        {
            throw new UserErrorException($"cannot start {string.Join(' ', argv)} in {ns}");
        }

        return process;
    }

    public static string Describe(string? ns, IReadOnlyList<string> argv) =>
        (ns is null ? "" : $"(in {ns}) ") + "'" + string.Join(' ', argv) + "'";

    private static ProcessStartInfo StartInfo(string? ns, IReadOnlyList<string> argv)
    {
        var info = new ProcessStartInfo { UseShellExecute = false };
        IEnumerable<string> all = ns is null ? argv : new[] { "ip", "netns", "exec", ns }.Concat(argv);
        var first = true;
        foreach (var arg in all)
        {
            if (first)
            {
                info.FileName = arg;
                first = false;
            }
            else
            {
                info.ArgumentList.Add(arg);
            }
        }

        return info;
    }

    /// <summary>Single-quotes a word for sh.</summary>
    private static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
