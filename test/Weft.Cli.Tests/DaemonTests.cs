using System.Diagnostics;
using Weft.Cli;
using Weft.LocalApi;
using Weft.State;
using Weft.Tests;
using Xunit;

namespace Weft.Cli.Tests;

/// <summary>
/// <c>weft up</c>: start-up errors in process (no root needed), and the real daemon as a child
/// process inside a network namespace of its own: status over the socket, the second daemon
/// refused, clean exit on SIGTERM with the TUN device and the socket gone.
/// </summary>
public class DaemonTests
{
    private readonly CliRunner cli = new(hostName: "daemon-test");

    [Fact]
    public void Up_without_identity_says_run_init_or_join()
    {
        using var dir = new TempDirectory();
        var result = cli.Run("up", "--state", dir.Path);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"weft: this node is not initialised (nothing in {dir.Path}): run 'weft init' or 'weft join' first\n", result.Error);
    }

    [Fact]
    public void Up_with_keys_but_no_certificate_says_install_the_bundle()
    {
        using var dir = new TempDirectory();
        Assert.Equal(0, cli.Run("join", "--request", "--state", dir.Path).ExitCode);
        var result = cli.Run("up", "--state", dir.Path);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("weft join --cert FILE", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Up_with_a_bad_config_names_file_and_key()
    {
        using var dir = new TempDirectory();
        Assert.Equal(0, cli.Run("init", "--mesh", "m", "--state", dir.Path).ExitCode);
        var config = new StateLayout(dir.Path).Config;
        File.WriteAllText(config, """{ "listenport": 5000 }""");
        var result = cli.Run("up", "--state", dir.Path);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"weft: {config}: key \"listenport\" is not known (did you mean \"listenPort\"?)\n", result.Error);

        var named = cli.Run("up", "--state", dir.Path, "--config", dir.Combine("missing.json"));
        Assert.Equal(1, named.ExitCode);
        Assert.StartsWith($"weft: {dir.Combine("missing.json")}: cannot read the config file", named.Error, StringComparison.Ordinal);

        File.Delete(config);
        var badPeer = cli.Run("up", "--state", dir.Path, "--peer", "10.0.0.1");
        Assert.Equal("weft: --peer: \"10.0.0.1\" is not host:port\n", badPeer.Error);
        var badListen = cli.Run("up", "--state", dir.Path, "--listen", "70000");
        Assert.Equal("weft: --listen must be between 1 and 65535, got 70000\n", badListen.Error);
    }

    [Fact]
    public async Task Up_runs_in_a_namespace_answers_status_refuses_a_second_daemon_and_stops_cleanly_on_sigterm()
    {
        Requires.Root();
        Requires.Programs("ip", "kill");
        var cancel = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        Assert.Equal(0, cli.Run("init", "--mesh", "home", "--name", "solo", "--ipv4", "100.91.0.0/16", "--state", dir.Path).ExitCode);
        var state = new StateLayout(dir.Path);
        var ns = $"weftcli{Environment.ProcessId % 100000}x{Random.Shared.Next(1000)}";
        Exec("ip", "netns", "add", ns);
        Process? daemon = null;
        try
        {
            var weft = Path.Combine(AppContext.BaseDirectory, "weft");
            daemon = Process.Start(new ProcessStartInfo("ip", ["netns", "exec", ns, weft, "up", "--state", dir.Path, "--listen", "51999"])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            var log = new System.Text.StringBuilder();
            daemon.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
            daemon.BeginErrorReadLine();

            // Running: the socket answers.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!File.Exists(state.SocketPath) && DateTime.UtcNow < deadline && !daemon.HasExited)
            {
                await Task.Delay(100, cancel);
            }

            Assert.True(File.Exists(state.SocketPath), $"no socket; daemon log:\n{log}");
            using (var client = new LocalApiClient(state.SocketPath))
            {
                var status = await client.GetStatusAsync(cancel);
                Assert.Equal("solo", status.Name);
                Assert.Equal("weft0", status.Interface);
                Assert.Equal(51999, status.ListenPort);
                Assert.Equal(daemon.Id, status.Pid);
            }

            var link = Exec("ip", "-n", ns, "addr", "show", "weft0");
            Assert.Contains("100.91.0.1/16", link, StringComparison.Ordinal);
            Assert.Contains("mtu 1420", link, StringComparison.Ordinal);

            // A WireGuard client added now is registered live.
            var add = cli.Run("wireguard", "add", "phone", "--state", dir.Path);
            Assert.True(add.ExitCode == 0, add.ToString());
            Assert.Contains("registered with the running daemon", add.Error, StringComparison.Ordinal);
            using (var client = new LocalApiClient(state.SocketPath))
            {
                var status = await client.GetStatusAsync(cancel);
                var phone = Assert.Single(status.Peers, p => p.Name == "phone");
                Assert.Equal("wireguard", phone.Kind);
                Assert.StartsWith("100.91.0.2", phone.Ipv4, StringComparison.Ordinal);
            }

            // A second daemon on the same state directory is refused, naming the first one's pid.
            var second = cli.Run("up", "--state", dir.Path);
            Assert.Equal(1, second.ExitCode);
            Assert.Equal($"weft: another weft is already running with state dir {state.Directory} (pid {daemon.Id})\n", second.Error);

            // SIGTERM: clean exit, device and socket gone.
            Exec("kill", "-TERM", daemon.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel))
            {
                timeout.CancelAfter(TimeSpan.FromSeconds(15));
                await daemon.WaitForExitAsync(timeout.Token);
            }

            Assert.True(daemon.ExitCode == 0, $"exit {daemon.ExitCode}; log:\n{log}");
            Assert.False(File.Exists(state.SocketPath), "the socket is deleted");
            Assert.DoesNotContain("weft0", Exec("ip", "-n", ns, "link"), StringComparison.Ordinal);
            lock (log)
            {
                Assert.Contains("SIGTERM received, stopping", log.ToString(), StringComparison.Ordinal);
            }
        }
        finally
        {
            if (daemon is { HasExited: false })
            {
                daemon.Kill();
                daemon.WaitForExit(5000);
            }

            daemon?.Dispose();
            Exec("ip", "netns", "del", ns);
        }
    }

    private static string Exec(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)} failed: {error}");
        return output;
    }
}
