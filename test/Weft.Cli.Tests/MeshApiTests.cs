using Microsoft.Extensions.Logging;
using Weft.Cli;
using Weft.LocalApi;
using Xunit;

namespace Weft.Cli.Tests;

/// <summary>
/// <c>weft map</c> and <c>weft ping</c> end to end over a real Unix socket: the local API server
/// with a fake node behind it, queried by the CLI run in process.
/// The fake mesh: home (us), laptop (direct over UDP), charlie (two hops via bravo), bravo, and
/// silent (known but never answers).
/// </summary>
public class MeshApiTests
{
    private const string HomeId = "00000000000000000000000000000001";
    private const string LaptopId = "00000000000000000000000000000002";
    private const string BravoId = "00000000000000000000000000000003";
    private const string CharlieId = "00000000000000000000000000000004";
    private const string SilentId = "00000000000000000000000000000005";

    internal static MapReport SampleMap() => new(
        [
            new MapNodeReport(HomeId, "home", "100.90.0.1", "fd12:3456:789a::1", true, true),
            new MapNodeReport(LaptopId, "laptop", "100.90.0.2", "fd12:3456:789a::2", true, false),
            new MapNodeReport(BravoId, "bravo", "100.90.0.3", "fd12:3456:789a::3", true, false),
            new MapNodeReport(CharlieId, "charlie", null, "fd12:3456:789a::4", false, false),
            new MapNodeReport(SilentId, "silent", "100.90.0.5", "fd12:3456:789a::5", false, false),
        ],
        [
            new MapLinkReport(HomeId, LaptopId, 1.2),
            new MapLinkReport(LaptopId, HomeId, 1.3),
            new MapLinkReport(HomeId, BravoId, 0.4),
            new MapLinkReport(BravoId, CharlieId, 12.5),
            new MapLinkReport(CharlieId, "ffffffffffffffffffffffffffffffff", 3),
        ]);

    /// <summary>What the fake node answers to a ping.</summary>
    internal static PingOutcome Answer(string target, TimeSpan timeout) => target switch
    {
        "laptop" or "100.90.0.2" => PingOutcome.Replied(new PingReport(target, "laptop", LaptopId, "100.90.0.2", "direct udp 10.213.0.2:51820", 1.24)),
        "charlie" => PingOutcome.Replied(new PingReport(target, "charlie", CharlieId, "fd12:3456:789a::4", "via bravo -> charlie", 3.4)),
        "silent" => PingOutcome.NoReply,
        _ => PingOutcome.UnknownTarget(NameSuggestions.UnknownTarget(target, ["laptop", "bravo", "charlie", "silent"])),
    };

    [Fact]
    public async Task Map_prints_nodes_and_links_as_tables_and_json()
    {
        await using var api = await Api.StartAsync();

        var table = api.Cli.Run("map", "--state", api.Dir.Path);
        Assert.True(table.ExitCode == 0, table.ToString());
        var lines = table.Out.Split('\n');
        var header = Array.Find(lines, l => l.StartsWith("NODE ", StringComparison.Ordinal))!;
        var home = Array.Find(lines, l => l.StartsWith("home*", StringComparison.Ordinal))!;
        var charlie = Array.Find(lines, l => l.StartsWith("charlie ", StringComparison.Ordinal))!;
        Assert.Equal(header.IndexOf("RELAY", StringComparison.Ordinal), home.IndexOf("yes", StringComparison.Ordinal));
        Assert.Equal(header.IndexOf("RELAY", StringComparison.Ordinal), charlie.IndexOf("no", StringComparison.Ordinal));
        Assert.Equal(header.IndexOf("IPV4", StringComparison.Ordinal), charlie.IndexOf('-'));
        Assert.Contains("* this node", table.Out, StringComparison.Ordinal);

        // Links by name, sorted, with costs; an end the map does not know shows its short ID.
        var links = lines.SkipWhile(l => !l.StartsWith("FROM", StringComparison.Ordinal)).TakeWhile(l => l.Length > 0).ToList();
        Assert.Equal(6, links.Count);
        Assert.Matches(@"^bravo +charlie +12\.5 ms$", links[1]);
        Assert.Matches(@"^charlie +ffffffff\.\.\. +3\.0 ms$", links[2]);
        Assert.Matches(@"^home +bravo +0\.4 ms$", links[3]);
        Assert.Matches(@"^home +laptop +1\.2 ms$", links[4]);
        Assert.Matches(@"^laptop +home +1\.3 ms$", links[5]);

        var json = api.Cli.Run("map", "--json", "--state", api.Dir.Path);
        Assert.Equal(0, json.ExitCode);
        Assert.Contains("\"self\": true", json.Out, StringComparison.Ordinal);
        Assert.Contains("\"costMs\": 12.5", json.Out, StringComparison.Ordinal);
        var parsed = System.Text.Json.JsonSerializer.Deserialize(json.Out, LocalApiJsonContext.Readable.MapReport)!;
        Assert.Equal(SampleMap().Nodes, parsed.Nodes);
        Assert.Equal(SampleMap().Links, parsed.Links);
    }

    [Fact]
    public async Task Ping_prints_each_reply_with_its_path_and_a_summary()
    {
        await using var api = await Api.StartAsync();

        var direct = api.Cli.Run("ping", "laptop", "--count", "3", "--interval", "0", "--state", api.Dir.Path);
        Assert.True(direct.ExitCode == 0, direct.ToString());
        Assert.Equal("pong from laptop (100.90.0.2) via udp 10.213.0.2:51820 in 1.2 ms", direct.Out.Split('\n')[0]);
        Assert.Equal(4, direct.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.EndsWith("--- laptop: 3 sent, 3 received, 0% loss, rtt min/avg/max 1.2/1.2/1.2 ms\n", direct.Out, StringComparison.Ordinal);
        Assert.Equal(3, api.Backend.Pings);

        var relayed = api.Cli.Run("ping", "charlie", "-c", "1", "--state", api.Dir.Path);
        Assert.True(relayed.ExitCode == 0, relayed.ToString());
        Assert.StartsWith("pong from charlie (fd12:3456:789a::4) via bravo -> charlie in 3.4 ms\n", relayed.Out, StringComparison.Ordinal);

        var byAddress = api.Cli.Run("ping", "100.90.0.2", "-c", "1", "--state", api.Dir.Path);
        Assert.StartsWith("pong from laptop (100.90.0.2) via udp", byAddress.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ping_json_carries_every_reply_and_the_summary()
    {
        await using var api = await Api.StartAsync();

        var result = api.Cli.Run("ping", "charlie", "--count", "2", "--interval", "0", "--json", "--state", api.Dir.Path);
        Assert.True(result.ExitCode == 0, result.ToString());
        var summary = System.Text.Json.JsonSerializer.Deserialize(result.Out, LocalApiJsonContext.Readable.PingSummary)!;
        Assert.Equal("charlie", summary.Target);
        Assert.Equal("charlie", summary.Name);
        Assert.Equal(2, summary.Sent);
        Assert.Equal(2, summary.Received);
        Assert.Equal(["via bravo -> charlie", "via bravo -> charlie"], summary.Replies.Select(r => r.Path));
        Assert.Equal(3.4, summary.AvgMs);
        Assert.DoesNotContain("pong", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ping_without_any_reply_exits_1()
    {
        await using var api = await Api.StartAsync();

        var result = api.Cli.Run("ping", "silent", "--count", "2", "--interval", "0", "--timeout", "0.5", "--state", api.Dir.Path);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            "no reply from silent within 0.5 s\nno reply from silent within 0.5 s\n--- silent: 2 sent, 0 received, 100% loss\n",
            result.Out);
        Assert.Equal("weft: no reply from silent\n", result.Error);
        Assert.Equal(TimeSpan.FromMilliseconds(500), api.Backend.LastTimeout);
    }

    [Fact]
    public async Task Ping_to_an_unknown_name_lists_close_names()
    {
        await using var api = await Api.StartAsync();

        var typo = api.Cli.Run("ping", "lapotp", "--state", api.Dir.Path);
        Assert.Equal(1, typo.ExitCode);
        Assert.Equal("weft: no member named or addressed \"lapotp\" is known (did you mean: laptop?)\n", typo.Error);
        Assert.Equal("", typo.Out);
        Assert.Equal(1, api.Backend.Pings);

        var far = api.Cli.Run("ping", "zzzzzzzz", "--state", api.Dir.Path);
        Assert.Equal("weft: no member named or addressed \"zzzzzzzz\" is known (known: bravo, charlie, laptop, silent)\n", far.Error);
    }

    [Theory]
    [InlineData("ping")]
    [InlineData("ping", "laptop", "--count", "0")]
    [InlineData("ping", "laptop", "--count", "x")]
    [InlineData("ping", "laptop", "--timeout", "0")]
    [InlineData("ping", "laptop", "--timeout", "61")]
    [InlineData("ping", "laptop", "--interval", "-1")]
    [InlineData("ping", "a", "b")]
    [InlineData("map", "extra")]
    [InlineData("map", "--count", "3")]
    public void Bad_arguments_exit_2_with_usage_on_stderr(params string[] args)
    {
        using var dir = new TempDirectory();
        var result = new CliRunner().Run([.. args, "--state", dir.Path]);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Out);
        Assert.Contains("Usage:", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Ping_and_map_without_a_daemon_say_not_running()
    {
        using var dir = new TempDirectory();
        var ping = new CliRunner().Run("ping", "laptop", "--state", dir.Path);
        Assert.Equal(1, ping.ExitCode);
        Assert.Equal($"weft: weft is not running (no socket at {dir.Combine("weft.sock")})\n", ping.Error);
        var map = new CliRunner().Run("map", "--state", dir.Path);
        Assert.Equal(1, map.ExitCode);
        Assert.Equal($"weft: weft is not running (no socket at {dir.Combine("weft.sock")})\n", map.Error);
    }

    [Fact]
    public async Task Api_rejects_a_ping_without_target_or_with_a_bad_timeout()
    {
        await using var api = await Api.StartAsync();
        using var client = new LocalApiClient(api.Dir.Combine("weft.sock"));
        var cancel = TestContext.Current.CancellationToken;

        var empty = await Assert.ThrowsAsync<UserErrorException>(() => client.PingAsync(" ", TimeSpan.FromSeconds(1), cancel));
        Assert.Equal("a ping needs a target (a member's name or overlay address)", empty.Message);
        var tooLong = await Assert.ThrowsAsync<UserErrorException>(() => client.PingAsync("laptop", TimeSpan.FromMinutes(2), cancel));
        Assert.Equal("the ping timeout must be between 1 ms and 60 s", tooLong.Message);
        Assert.Equal(0, api.Backend.Pings);

        Assert.Null(await client.PingAsync("silent", TimeSpan.FromSeconds(1), cancel));
        var reply = await client.PingAsync("laptop", TimeSpan.FromSeconds(1), cancel);
        Assert.Equal(new PingReport("laptop", "laptop", LaptopId, "100.90.0.2", "direct udp 10.213.0.2:51820", 1.24), reply);
    }

    /// <summary>A local API on a temp socket with a counting fake node.</summary>
    private sealed class Api : IAsyncDisposable
    {
        private LocalApiServer? server;

        private Api()
        {
        }

        public TempDirectory Dir { get; } = new();

        public CountingBackend Backend { get; } = new();

        public CliRunner Cli { get; } = new();

        public static async Task<Api> StartAsync()
        {
            var api = new Api();
            api.server = await LocalApiServer.StartAsync(
                api.Dir.Combine("weft.sock"), api.Backend, logging => logging.SetMinimumLevel(LogLevel.Warning), TestContext.Current.CancellationToken);
            return api;
        }

        public async ValueTask DisposeAsync()
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }

            Dir.Dispose();
        }
    }

    private sealed class CountingBackend : ILocalApiBackend
    {
        private int pings;

        public int Pings => Volatile.Read(ref pings);

        public TimeSpan LastTimeout { get; private set; }

        public StatusReport GetStatus() => LocalApiTests.SampleStatus();

        public string? AddWireGuardPeer(WireGuardPeerRequest request) => null;

        public MapReport GetMap() => SampleMap();

        public Task<PingOutcome> PingAsync(string target, TimeSpan timeout, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref pings);
            LastTimeout = timeout;
            return Task.FromResult(Answer(target, timeout));
        }

        public Task<NetcheckReport> NetcheckAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
            Task.FromResult(NetcheckTests.SampleReport());
    }
}
