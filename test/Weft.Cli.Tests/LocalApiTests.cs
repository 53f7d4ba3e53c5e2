using Microsoft.Extensions.Logging;
using Weft.Cli;
using Weft.LocalApi;
using Xunit;

namespace Weft.Cli.Tests;

/// <summary>The local API over a real Unix socket: server with a fake node, queried by the CLI's client.</summary>
public class LocalApiTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    internal static StatusReport SampleStatus() => new(
        "home",
        "home",
        "100.90.0.1/16",
        "fd12:3456:789a:1:2:3:4:5",
        51820,
        Now.AddDays(364),
        "weft0",
        1234,
        [
            new PeerReport("laptop", "member", "00112233445566778899aabbccddeeff", "pk1=", "100.90.0.2", "fd12:3456:789a::2",
                "10.213.0.2:51820", Now.AddSeconds(-12), 1536, 100, true, null, "direct udp 10.213.0.2:51820", 1.26),
            new PeerReport("stranger", "pending", "ffeeddccbbaa99887766554433221100", "pk2=", null, null,
                "10.213.0.9:51820", null, 0, 0, false, "certificate expired"),
        ],
        new Dictionary<string, long> { ["droppedDatagrams"] = 3 },
        [new RefusalReport("intruder", "aabbccddeeff00112233445566778899", "10.213.0.7:51820",
            "The certificate was issued by a CA this node does not trust (unknown issuer ID).", Now.AddMinutes(-2), Now.AddSeconds(-5), 3)]);

    [Fact]
    public async Task Status_and_wireguard_peer_round_trip_over_a_unix_socket()
    {
        using var dir = new TempDirectory();
        var socket = dir.Combine("weft.sock");
        var backend = new FakeBackend();
        var cancel = TestContext.Current.CancellationToken;

        await using (await LocalApiServer.StartAsync(socket, backend, logging => logging.SetMinimumLevel(LogLevel.Warning), cancel))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socket));
            using var client = new LocalApiClient(socket);

            var status = await client.GetStatusAsync(cancel);
            Assert.Equal("home", status.Name);
            Assert.Equal(2, status.Peers.Count);
            Assert.Equal(Now.AddSeconds(-12), status.Peers[0].LastHandshake);
            Assert.Equal("certificate expired", status.Peers[1].Problem);
            Assert.Equal(3, status.Counters["droppedDatagrams"]);

            var peer = new WireGuardPeerRequest("phone", "AAAA", "100.90.0.7", "fd12::7", null);
            await client.AddWireGuardPeerAsync(peer, cancel);
            Assert.Equal([peer], backend.Added);

            var refused = await Assert.ThrowsAsync<UserErrorException>(
                () => client.AddWireGuardPeerAsync(peer with { Name = "bad" }, cancel));
            Assert.Equal("the node refused bad", refused.Message);
        }

        Assert.False(File.Exists(socket), "the socket is removed when the API stops");
    }

    [Fact]
    public async Task Status_command_prints_table_and_json()
    {
        using var dir = new TempDirectory();
        var socket = dir.Combine("weft.sock");
        var cancel = TestContext.Current.CancellationToken;
        await using (await LocalApiServer.StartAsync(socket, new FakeBackend(), logging => logging.SetMinimumLevel(LogLevel.Warning), cancel))
        {
            var cli = new CliRunner(new Weft.Tests.ManualTimeProvider(Now));
            var table = cli.Run("status", "--state", dir.Path);
            Assert.True(table.ExitCode == 0, table.ToString());
            Assert.Contains("home (mesh home) on weft0", table.Out, StringComparison.Ordinal);
            Assert.Contains("in 364d", table.Out, StringComparison.Ordinal);
            var lines = table.Out.Split('\n');
            var header = Array.Find(lines, l => l.StartsWith("PEER", StringComparison.Ordinal))!;
            var laptop = Array.Find(lines, l => l.StartsWith("laptop", StringComparison.Ordinal))!;
            var stranger = Array.Find(lines, l => l.StartsWith("stranger", StringComparison.Ordinal))!;
            Assert.Contains("12s ago", laptop, StringComparison.Ordinal);
            Assert.Contains("1.5 KiB", laptop, StringComparison.Ordinal);
            Assert.Contains("never", stranger, StringComparison.Ordinal);
            Assert.EndsWith("certificate expired", stranger, StringComparison.Ordinal);

            // Aligned: every column starts at the same offset in every row. The path column shows the
            // node's path when it has one, else the bare endpoint; RTT next to it.
            Assert.Equal(header.IndexOf("PATH", StringComparison.Ordinal), laptop.IndexOf("direct udp 10.213.0.2:51820", StringComparison.Ordinal));
            Assert.Equal(header.IndexOf("PATH", StringComparison.Ordinal), stranger.IndexOf("10.213.0.9:51820", StringComparison.Ordinal));
            Assert.Equal(header.IndexOf("RTT", StringComparison.Ordinal), laptop.IndexOf("1.3 ms", StringComparison.Ordinal));

            var json = cli.Run("status", "--json", "--state", dir.Path);
            Assert.Equal(0, json.ExitCode);
            Assert.Contains("\"listenPort\": 51820", json.Out, StringComparison.Ordinal);
            Assert.Contains("\"problem\": \"certificate expired\"", json.Out, StringComparison.Ordinal);
            Assert.Contains("\"path\": \"direct udp 10.213.0.2:51820\"", json.Out, StringComparison.Ordinal);
            Assert.Contains("\"rttMs\": 1.26", json.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Status_without_a_daemon_says_not_running()
    {
        using var dir = new TempDirectory();
        var result = new CliRunner().Run("status", "--state", dir.Path);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"weft: weft is not running (no socket at {dir.Combine("weft.sock")})\n", result.Error);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void Status_with_a_stale_socket_says_not_running()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("custom.sock");

        // A socket file nobody listens on, like the one a killed daemon leaves behind.
        using var bound = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        bound.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(path));

        var result = new CliRunner().Run("status", "--state", dir.Path, "--socket", path);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"weft: weft is not running (nothing answers on {path})\n", result.Error);
    }

    [Fact]
    public async Task A_failure_inside_the_daemon_reaches_the_cli_as_one_sentence_not_a_bare_500()
    {
        using var dir = new TempDirectory();
        var socket = dir.Combine("weft.sock");
        var cancel = TestContext.Current.CancellationToken;
        await using (await LocalApiServer.StartAsync(socket, new BrokenBackend(), logging => logging.SetMinimumLevel(LogLevel.None), cancel))
        {
            var result = new CliRunner().Run("status", "--state", dir.Path);
            Assert.Equal(1, result.ExitCode);
            Assert.Equal(
                "weft: the daemon refused: the daemon failed on /v1/status: status snapshot broke (the daemon's log has the details)\n",
                result.Error);
        }
    }

    private sealed class BrokenBackend : ILocalApiBackend
    {
        public StatusReport GetStatus() => throw new InvalidOperationException("status snapshot broke");

        public string? AddWireGuardPeer(WireGuardPeerRequest request) => throw new InvalidOperationException("add broke");

        public MapReport GetMap() => throw new InvalidOperationException("map broke");

        public Task<PingOutcome> PingAsync(string target, TimeSpan timeout, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("ping broke");

        public Task<NetcheckReport> NetcheckAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("netcheck broke");
    }

    internal sealed class FakeBackend : ILocalApiBackend
    {
        public List<WireGuardPeerRequest> Added { get; } = [];

        public StatusReport GetStatus() => SampleStatus();

        public string? AddWireGuardPeer(WireGuardPeerRequest request)
        {
            if (request.Name == "bad")
            {
                return "the node refused bad";
            }

            lock (Added)
            {
                Added.Add(request);
            }

            return null;
        }

        public MapReport GetMap() => MeshApiTests.SampleMap();

        public Task<PingOutcome> PingAsync(string target, TimeSpan timeout, CancellationToken cancellationToken) =>
            Task.FromResult(MeshApiTests.Answer(target, timeout));

        /// <summary>The timeouts netcheck requests asked for.</summary>
        public List<TimeSpan> NetcheckTimeouts { get; } = [];

        public Task<NetcheckReport> NetcheckAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            lock (NetcheckTimeouts)
            {
                NetcheckTimeouts.Add(timeout);
            }

            return Task.FromResult(NetcheckTests.SampleReport());
        }
    }
}
