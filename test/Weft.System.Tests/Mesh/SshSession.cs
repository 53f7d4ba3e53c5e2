using System.Diagnostics;
using Weft.SystemTests.Lab;

namespace Weft.SystemTests.Mesh;

/// <summary>
/// One open ssh connection whose remote shell reads commands from this object: each
/// <see cref="RunAsync"/> writes a command line to ssh's standard input and waits for a marker line
/// it echoes afterwards, so every command travels over the same, still-open TCP connection.
/// The ssh client is stopped by its PID when disposed.
/// </summary>
public sealed class SshSession : IAsyncDisposable
{
    private readonly NetworkLab lab;
    private readonly Process process;
    private readonly object gate = new();
    private readonly List<string> lines = [];
    private int commands;

    internal SshSession(NetworkLab lab, string ns, IReadOnlyList<string> argv)
    {
        this.lab = lab;
        var startInfo = new ProcessStartInfo("ip")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "netns", "exec", ns }.Concat(argv))
        {
            startInfo.ArgumentList.Add(arg);
        }

        lab.Log($"ssh session: [{ns}] {string.Join(' ', argv)}");
        process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => OnLine(e.Data, "out");
        process.ErrorDataReceived += (_, e) => OnLine(e.Data, "err");
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Pid = process.Id;
        lab.Log($"  ssh has PID {Pid}");
    }

    public int Pid { get; }

    public bool HasExited => process.HasExited;

    public string Output
    {
        get
        {
            lock (gate)
            {
                return string.Join('\n', lines);
            }
        }
    }

    /// <summary>Sends <paramref name="command"/> to the remote shell; true when its output and the end marker came back within <paramref name="timeout"/>.</summary>
    public async Task<bool> RunAsync(string command, TimeSpan timeout)
    {
        var marker = $"weft-ssh-done-{++commands}";
        lab.Log($"ssh$ {command}");
        if (process.HasExited)
        {
            lab.Log($"  the ssh session has ended (exit {process.ExitCode})");
            return false;
        }

        await process.StandardInput.WriteLineAsync($"{command}; echo {marker}").ConfigureAwait(false);
        await process.StandardInput.FlushAsync().ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var done = await Poll.UntilAsync(() => Task.FromResult(HasLine(marker) || process.HasExited), timeout, TimeSpan.FromMilliseconds(50)).ConfigureAwait(false) && HasLine(marker);
        lab.Log(done ? $"  done after {clock.Elapsed.TotalSeconds:F2} s" : $"  no answer within {timeout.TotalSeconds:F0} s");
        return done;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            lab.Log($"ssh session: kill -TERM {Pid}");
            _ = Interop.Kill(Pid, Interop.SIGTERM);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            try
            {
                await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _ = Interop.Kill(Pid, Interop.SIGKILL);
                await process.WaitForExitAsync().ConfigureAwait(false);
            }
        }

        process.Dispose();
    }

    private bool HasLine(string text)
    {
        lock (gate)
        {
            return lines.Contains(text);
        }
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

        lab.Log($"  [ssh {stream}] {line}");
    }
}
