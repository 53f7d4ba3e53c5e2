using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Xunit;

namespace Weft.SystemTests.Lab;

/// <summary>
/// A throwaway network made of Linux network namespaces joined by veth pairs, for system tests.
/// It runs commands inside the namespaces (<c>ip netns exec NS ...</c>), starts long-running
/// programs whose output it keeps, and logs every step to the test output so a failing test reads
/// as a story. Disposing it stops every process it started (by PID) and deletes every namespace
/// and temporary directory it created, also when the test failed.
/// Names are "wt" + PID + a counter, so labs in parallel and leftovers of other runs never clash,
/// and interface names stay under the kernel's 15 characters.
/// </summary>
public sealed class NetworkLab : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private static int counter;

    private ITestOutputHelper? output;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly ConcurrentStack<string> namespaces = new();
    private readonly ConcurrentStack<LabProcess> processes = new();
    private readonly ConcurrentStack<string> directories = new();
    private int linkCounter;

    public NetworkLab(ITestOutputHelper? output = null)
    {
        this.output = output ?? TestContext.Current.TestOutputHelper;
    }

    /// <summary>
    /// Sends the log from now on to <paramref name="testOutput"/> (a lab shared by several tests
    /// through a fixture follows the test that is running; null: the console).
    /// </summary>
    public void UseOutput(ITestOutputHelper? testOutput) => output = testOutput;

    /// <summary>Writes one step of the story to the test output (and to the console when there is no test).</summary>
    public void Log(string message)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed.TotalSeconds,7:F2}s] {message}");
        try
        {
            if (output is null)
            {
                Console.WriteLine(line);
            }
            else
            {
                output.WriteLine(line);
            }
        }
        catch (InvalidOperationException)
        {
            // The test has already finished (a late line from a background process).
        }
    }

    /// <summary>Creates a namespace with its loopback up; returns its name. <paramref name="label"/> only names it in the log.</summary>
    public async Task<string> CreateNamespaceAsync(string label)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"wt{Environment.ProcessId}n{Interlocked.Increment(ref counter)}");
        Log($"namespace {name} ({label})");
        await MustRunAsync(null, "ip", "netns", "add", name).ConfigureAwait(false);
        namespaces.Push(name);
        await MustRunAsync(name, "ip", "link", "set", "lo", "up").ConfigureAwait(false);
        return name;
    }

    /// <summary>
    /// Joins two namespaces with a veth pair, gives each end an IPv4 and an IPv6 address (without
    /// duplicate address detection, so they are usable at once) and brings both ends up.
    /// </summary>
    public async Task<VethLink> ConnectAsync(string namespaceA, string namespaceB)
    {
        var n = Interlocked.Increment(ref linkCounter);
        var id = Interlocked.Increment(ref counter);
        var ifA = string.Create(CultureInfo.InvariantCulture, $"wt{Environment.ProcessId}v{id}a");
        var ifB = string.Create(CultureInfo.InvariantCulture, $"wt{Environment.ProcessId}v{id}b");
        if (ifA.Length > 15)
        {
            ifA = string.Create(CultureInfo.InvariantCulture, $"wtv{id}a");
            ifB = string.Create(CultureInfo.InvariantCulture, $"wtv{id}b");
        }

        var v4A = IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"10.213.{n}.1"));
        var v4B = IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"10.213.{n}.2"));
        var v6A = IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"fd00:213:{n}::1"));
        var v6B = IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"fd00:213:{n}::2"));
        Log($"veth {namespaceA}/{ifA} ({v4A}, {v6A}) <-> {namespaceB}/{ifB} ({v4B}, {v6B})");

        await MustRunAsync(null, "ip", "link", "add", ifA, "netns", namespaceA, "type", "veth", "peer", "name", ifB, "netns", namespaceB).ConfigureAwait(false);
        foreach (var (ns, ifName, v4, v6) in new[] { (namespaceA, ifA, v4A, v6A), (namespaceB, ifB, v4B, v6B) })
        {
            await MustRunAsync(ns, "ip", "addr", "add", $"{v4}/24", "dev", ifName).ConfigureAwait(false);
            await MustRunAsync(ns, "ip", "-6", "addr", "add", $"{v6}/64", "dev", ifName, "nodad").ConfigureAwait(false);
            await MustRunAsync(ns, "ip", "link", "set", ifName, "up").ConfigureAwait(false);
        }

        return new VethLink(namespaceA, ifA, v4A, v6A, namespaceB, ifB, v4B, v6B);
    }

    /// <summary>A fresh directory (mode 0700) that is deleted with the lab.</summary>
    public string CreateTempDirectory(string label)
    {
        var path = Path.Combine(Path.GetTempPath(), string.Create(CultureInfo.InvariantCulture, $"weft-systest-{Environment.ProcessId}-{Interlocked.Increment(ref counter)}-{label}"));
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        directories.Push(path);
        return path;
    }

    /// <summary>Runs a command (in namespace <paramref name="ns"/>, or in the host namespace when null) and waits for it, at most <see cref="DefaultTimeout"/>.</summary>
    public Task<ExecResult> ExecAsync(string? ns, params string[] argv) => ExecAsync(new ExecRequest(ns, argv));

    /// <summary>Runs a command and waits for it; when it outlives <paramref name="timeout"/> it is killed (by PID) and the result says TimedOut.</summary>
    public Task<ExecResult> ExecAsync(string? ns, TimeSpan timeout, params string[] argv) => ExecAsync(new ExecRequest(ns, argv) { Timeout = timeout });

    /// <summary>Runs a command as described by <paramref name="request"/> (timeout, standard input, quiet logging).</summary>
    public async Task<ExecResult> ExecAsync(ExecRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var startInfo = BuildStartInfo(request.Namespace, request.Argv, null);
        var command = Describe(request.Namespace, request.Argv);
        if (!request.Quiet)
        {
            Log($"$ {command}");
        }

        using var process = new Process { StartInfo = startInfo };
        process.Start();
        var stdoutTask = process.StandardOutput.ReadToEndAsync();
        var stderrTask = process.StandardError.ReadToEndAsync();
        if (request.Input is not null)
        {
            try
            {
                await process.StandardInput.WriteAsync(request.Input).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // The program exited without reading its input; its exit code tells the story.
            }
        }

        process.StandardInput.Close();
        var timedOut = false;
        using (var cts = new CancellationTokenSource(request.Timeout))
        {
            try
            {
                await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                timedOut = true;
                Log($"  `{command}` timed out after {request.Timeout.TotalSeconds:F0}s, killing PID {process.Id}");
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().ConfigureAwait(false);
            }
        }

        var result = new ExecResult(command, timedOut ? -1 : process.ExitCode, await stdoutTask.ConfigureAwait(false), await stderrTask.ConfigureAwait(false), timedOut);
        if (!request.Quiet)
        {
            Log($"  => {(timedOut ? "timed out" : "exit " + result.ExitCode.ToString(CultureInfo.InvariantCulture))}");
            LogIndented(result.Stdout);
            LogIndented(result.Stderr);
        }

        return result;
    }

    /// <summary>Like <see cref="ExecAsync(string?, string[])"/> but fails the test unless the command exits 0.</summary>
    public Task<ExecResult> MustRunAsync(string? ns, params string[] argv) => MustRunAsync(new ExecRequest(ns, argv));

    public Task<ExecResult> MustRunAsync(string? ns, TimeSpan timeout, params string[] argv) => MustRunAsync(new ExecRequest(ns, argv) { Timeout = timeout });

    public async Task<ExecResult> MustRunAsync(ExecRequest request)
    {
        var result = await ExecAsync(request).ConfigureAwait(false);
        Assert.True(result.Succeeded, $"command failed: {result}");
        return result;
    }

    /// <summary>A name unique to this test run (e.g. for an interface or a socket), at most 15 characters.</summary>
    public static string UniqueName(string kind)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"wt{Environment.ProcessId}{kind}{Interlocked.Increment(ref counter)}");
        return name.Length <= 15 ? name : name[^15..];
    }

    /// <summary>Starts a long-running program; the lab stops it (by PID) when disposed.</summary>
    public LabProcess StartProcess(string? ns, string label, IReadOnlyList<string> argv, IReadOnlyDictionary<string, string>? environment = null) =>
        StartProcess(ns, label, argv, environment, logLines: true);

    /// <summary>
    /// Starts a long-running program like <see cref="StartProcess(string?, string, IReadOnlyList{string}, IReadOnlyDictionary{string, string}?)"/>;
    /// with <paramref name="logLines"/> false its output is kept (<see cref="LabProcess.Lines"/>) but not
    /// copied line by line to the test log (a ping every 0.2 s, a chatty helper).
    /// </summary>
    public LabProcess StartProcess(string? ns, string label, IReadOnlyList<string> argv, IReadOnlyDictionary<string, string>? environment, bool logLines)
    {
        ArgumentNullException.ThrowIfNull(argv);
        var startInfo = BuildStartInfo(ns, argv, environment);
        var command = Describe(ns, argv);
        Log($"start {label}: {command}");
        var process = new LabProcess(label, command, startInfo, logLines ? Log : static _ => { }, Log);
        processes.Push(process);
        Log($"  {label} has PID {process.Pid}");
        return process;
    }

    public async ValueTask DisposeAsync()
    {
        Log("cleaning up the lab");
        while (processes.TryPop(out var process))
        {
            try
            {
                await process.DisposeAsync().ConfigureAwait(false);
            }
            catch (InvalidOperationException e)
            {
                Log($"  stopping {process.Label}: {e.Message}");
            }
        }

        while (namespaces.TryPop(out var ns))
        {
            await KillLeftoversAsync(ns).ConfigureAwait(false);
            await ExecAsync(null, "ip", "netns", "del", ns).ConfigureAwait(false);
        }

        while (directories.TryPop(out var directory))
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException e)
            {
                Log($"  could not delete {directory}: {e.Message}");
            }
        }
    }

    /// <summary>Kills, by PID, anything still running inside a namespace the lab created (a forked helper, a stray ping).</summary>
    private async Task KillLeftoversAsync(string ns)
    {
        var pids = await ExecAsync(null, TimeSpan.FromSeconds(10), "ip", "netns", "pids", ns).ConfigureAwait(false);
        foreach (var text in pids.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid) && pid != Environment.ProcessId)
            {
                Log($"  leftover PID {pid} in {ns}: SIGKILL");
                _ = Interop.Kill(pid, Interop.SIGKILL);
            }
        }
    }

    private static ProcessStartInfo BuildStartInfo(string? ns, IEnumerable<string> argv, IReadOnlyDictionary<string, string>? environment)
    {
        var all = ns is null ? argv.ToList() : ["ip", "netns", "exec", ns, .. argv];
        var startInfo = new ProcessStartInfo(all[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in all.Skip(1))
        {
            startInfo.ArgumentList.Add(arg);
        }

        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                startInfo.Environment[key] = value;
            }
        }

        return startInfo;
    }

    private static string Describe(string? ns, IEnumerable<string> argv)
    {
        var text = string.Join(' ', argv.Select(a => a.Contains(' ', StringComparison.Ordinal) || a.Length == 0 ? $"'{a}'" : a));
        return ns is null ? text : $"[{ns}] {text}";
    }

    private void LogIndented(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        var lines = text.TrimEnd().Split('\n');
        const int MaxLines = 40;
        for (var i = 0; i < lines.Length && i < MaxLines; i++)
        {
            Log("    " + lines[i]);
        }

        if (lines.Length > MaxLines)
        {
            Log($"    ... ({lines.Length - MaxLines} more lines)");
        }
    }
}
