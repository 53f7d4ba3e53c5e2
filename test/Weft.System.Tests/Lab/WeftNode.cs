using Xunit;

namespace Weft.SystemTests.Lab;

/// <summary>
/// One weft node in a lab namespace: its state directory, the commands run against it
/// (<c>weft ... --state DIR</c>), its daemon (<c>weft up</c>) and its status.
/// </summary>
public sealed class WeftNode
{
    public WeftNode(NetworkLab lab, string ns, string label)
    {
        ArgumentNullException.ThrowIfNull(lab);
        Lab = lab;
        Namespace = ns;
        Label = label;
        StateDirectory = lab.CreateTempDirectory("state-" + label);
    }

    public NetworkLab Lab { get; }

    public string Namespace { get; }

    /// <summary>Who this node is in the story ("A", "B", "stranger").</summary>
    public string Label { get; }

    public string StateDirectory { get; }

    /// <summary>The running <c>weft up</c>, once started.</summary>
    public LabProcess? Daemon { get; private set; }

    /// <summary>Sets the daemon's log level (trace, debug, information, ...) in its config file, weft.json in the state directory.</summary>
    public Task SetLogLevelAsync(string level) => WriteConfigAsync($$"""{ "logLevel": "{{level}}" }""");

    /// <summary>Writes <paramref name="json"/> as the daemon's config file, weft.json in the state directory.</summary>
    public async Task WriteConfigAsync(string json)
    {
        var path = Path.Combine(StateDirectory, "weft.json");
        Lab.Log($"{Label}: {path} <- {json}");
        await File.WriteAllTextAsync(path, json + "\n").ConfigureAwait(false);
    }

    /// <summary>argv for <c>weft ARGS --state DIR</c>.</summary>
    public string[] Argv(params string[] args) => [.. WeftBinary.Command, .. args, "--state", StateDirectory];

    /// <summary>Runs <c>weft ARGS --state DIR</c> inside the node's namespace.</summary>
    public Task<ExecResult> RunAsync(params string[] args) => Lab.ExecAsync(Namespace, Argv(args));

    /// <summary>Runs <c>weft ARGS --state DIR</c> and fails the test unless it exits 0.</summary>
    public Task<ExecResult> MustRunAsync(params string[] args) => Lab.MustRunAsync(Namespace, Argv(args));

    /// <summary>Starts <c>weft up ARGS --state DIR</c> in the background.</summary>
    public LabProcess StartUp(params string[] args)
    {
        Daemon = Lab.StartProcess(Namespace, $"{Label}: weft up", Argv(["up", .. args]));
        return Daemon;
    }

    /// <summary>Starts the daemon and waits until its local API answers <c>weft status --json</c>.</summary>
    public async Task<LabProcess> UpAsync(params string[] args)
    {
        var daemon = StartUp(args);
        await WaitUntilAsync(_ => true, TimeSpan.FromSeconds(30), "the daemon answers `weft status --json`").ConfigureAwait(false);
        return daemon;
    }

    /// <summary><c>weft status --json</c> read into a <see cref="WeftStatus"/>; null when the command fails or prints no JSON.</summary>
    public async Task<WeftStatus?> TryStatusAsync(bool quiet = true)
    {
        var result = await Lab.ExecAsync(new ExecRequest(Namespace, Argv("status", "--json")) { Quiet = quiet, Timeout = TimeSpan.FromSeconds(15) }).ConfigureAwait(false);
        return result.Succeeded ? WeftStatus.TryParse(result.Stdout, out _) : null;
    }

    /// <summary><c>weft status --json</c>, logged; fails the test when there is none.</summary>
    public async Task<WeftStatus> StatusAsync()
    {
        var result = await Lab.MustRunAsync(Namespace, Argv("status", "--json")).ConfigureAwait(false);
        var status = WeftStatus.TryParse(result.Stdout, out var error);
        Assert.True(status is not null, $"`weft status --json` on {Label} did not print a JSON object ({error}):\n{result.Stdout}");
        return status!;
    }

    /// <summary>
    /// Polls the status until <paramref name="condition"/> holds and returns that status. Fails the
    /// test at the deadline, or at once when the daemon has exited, showing the last status and the daemon log.
    /// </summary>
    public async Task<WeftStatus> WaitUntilAsync(Func<WeftStatus, bool> condition, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        Lab.Log($"{Label}: waiting until {what} (at most {timeout.TotalSeconds:F0}s)");
        WeftStatus? last = null;
        var daemonDied = false;
        var found = await Poll.ForValueAsync(
            async () =>
            {
                if (Daemon is { HasExited: true })
                {
                    daemonDied = true;
                    return new object();
                }

                last = await TryStatusAsync().ConfigureAwait(false) ?? last;
                return last is not null && condition(last) ? last : null;
            },
            timeout,
            TimeSpan.FromMilliseconds(250)).ConfigureAwait(false);

        Assert.False(daemonDied, $"{Label}: the daemon exited (code {Daemon?.ExitCode}) while waiting until {what}. Its log:\n{Daemon?.Output}");
        Assert.True(found is not null, $"{Label}: timed out after {timeout.TotalSeconds:F0}s waiting until {what}.\nLast status:\n{last?.Json ?? "(none)"}\nDaemon log:\n{Daemon?.Output ?? "(not started)"}");
        Lab.Log($"{Label}: {what}");
        Lab.Log($"{Label} status:\n{last!.Json}");
        return last;
    }

    /// <summary>Waits until the status lists a verified peer with a handshake, and returns that peer.</summary>
    public async Task<WeftPeerStatus> WaitForConnectedPeerAsync(TimeSpan timeout, Func<WeftPeerStatus, bool>? which = null)
    {
        var status = await WaitUntilAsync(s => s.Peers.Any(p => p.IsConnected && (which is null || which(p))), timeout, "a verified peer has a handshake").ConfigureAwait(false);
        return status.Peers.First(p => p.IsConnected && (which is null || which(p)));
    }
}
