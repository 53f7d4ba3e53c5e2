using System.Diagnostics;

namespace Weft.SystemTests.Lab;

/// <summary>
/// A long-running program the lab started (a daemon, an iperf3 server, wireguard-go). It keeps
/// every line the program prints on stdout and stderr, in order, so a test can wait for a log
/// line and show the log when it fails. It is stopped by PID only: SIGTERM through kill(2),
/// then SIGKILL if it does not go.
/// </summary>
public sealed class LabProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly Action<string> log;
    private readonly Action<string> signalLog;
    private readonly object gate = new();
    private readonly List<string> lines = [];
    private readonly TaskCompletionSource exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal LabProcess(string label, string command, ProcessStartInfo startInfo, Action<string> log)
        : this(label, command, startInfo, log, log)
    {
    }

    /// <summary>Like the other constructor, but output lines go to <paramref name="log"/> and signals sent go to <paramref name="signalLog"/>.</summary>
    internal LabProcess(string label, string command, ProcessStartInfo startInfo, Action<string> log, Action<string> signalLog)
    {
        Label = label;
        Command = command;
        this.log = log;
        this.signalLog = signalLog;
        process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnLine(e.Data, "out");
        process.ErrorDataReceived += (_, e) => OnLine(e.Data, "err");
        process.Exited += (_, _) => exited.TrySetResult();
        process.Start();
        Pid = process.Id;
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>A short name for the log, e.g. "A: weft up".</summary>
    public string Label { get; }

    public string Command { get; }

    public int Pid { get; }

    public bool HasExited => exited.Task.IsCompleted;

    /// <summary>The exit code once the process has exited (and its output has been read to the end).</summary>
    public int? ExitCode => HasExited ? process.ExitCode : null;

    /// <summary>A snapshot of every line printed so far (stdout and stderr interleaved as they arrived).</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (gate)
            {
                return [.. lines];
            }
        }
    }

    /// <summary>Everything printed so far as one text.</summary>
    public string Output => string.Join('\n', Lines);

    /// <summary>True as soon as a printed line satisfies <paramref name="predicate"/>; false at the deadline or when the process exits without one.</summary>
    public Task<bool> WaitForLineAsync(Func<string, bool> predicate, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return Poll.UntilAsync(
            () =>
            {
                foreach (var line in Lines)
                {
                    if (predicate(line))
                    {
                        return Task.FromResult(true);
                    }
                }

                return Task.FromResult(false);
            },
            timeout,
            TimeSpan.FromMilliseconds(100));
    }

    /// <summary>Waits until the process exits; its exit code, or null if it still runs at the deadline.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        var finished = await Task.WhenAny(exited.Task, Task.Delay(timeout)).ConfigureAwait(false);
        if (finished != exited.Task)
        {
            return null;
        }

        // Exited fires before the redirected streams are drained; this waits for the last lines.
        await process.WaitForExitAsync().ConfigureAwait(false);
        return process.ExitCode;
    }

    /// <summary>Sends a signal (SIGTERM by default) to this process by its PID.</summary>
    public void Signal(int signal = Interop.SIGTERM)
    {
        if (HasExited)
        {
            return;
        }

        signalLog($"{Label}: kill -{signal} {Pid}");
        if (Interop.Kill(Pid, signal) != 0)
        {
            signalLog($"{Label}: kill({Pid}, {signal}) failed, errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>SIGTERM, then SIGKILL when it is still running after <paramref name="grace"/>; returns the exit code.</summary>
    public async Task<int?> StopAsync(TimeSpan grace)
    {
        if (!HasExited)
        {
            Signal(Interop.SIGTERM);
            if (await WaitForExitAsync(grace).ConfigureAwait(false) is null)
            {
                Signal(Interop.SIGKILL);
                await WaitForExitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
        }

        return ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(3)).ConfigureAwait(false);
        process.Dispose();
    }

    private void OnLine(string? line, string stream)
    {
        if (line is null)
        {
            return;
        }

        lock (gate)
        {
            lines.Add(line);
        }

        log($"  [{Label} {stream}] {line}");
    }
}
