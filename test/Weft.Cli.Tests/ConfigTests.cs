using Weft.Config;
using Xunit;

namespace Weft.Cli.Tests;

/// <summary>The config file: what is accepted, and that every rejection names the file and the key.</summary>
public class ConfigTests
{
    [Fact]
    public void Full_config_is_read()
    {
        var config = ConfigLoader.Parse(
            """
            {
              // comments are allowed
              "listenPort": 51900,
              "interface": "mesh%d",
              "mtu": 1380,
              "peers": ["10.0.0.1:51820", "[fd00::1]:51820", "gw.example:4000"],
              "logLevel": "Debug",
            }
            """,
            "weft.json");

        Assert.Equal(51900, config.ListenPort);
        Assert.Equal("mesh%d", config.Interface);
        Assert.Equal(1380, config.Mtu);
        Assert.Equal(["10.0.0.1:51820", "[fd00::1]:51820", "gw.example:4000"], config.Peers);
        Assert.Equal("debug", config.LogLevel);
    }

    [Fact]
    public void Empty_object_leaves_everything_unset()
    {
        var config = ConfigLoader.Parse("{}", "weft.json");
        Assert.Null(config.ListenPort);
        Assert.Null(config.Mtu);
        Assert.Empty(config.Peers);
    }

    [Fact]
    public void Missing_default_file_is_empty_but_missing_named_file_is_an_error()
    {
        using var dir = new TempDirectory();
        Assert.Null(ConfigLoader.Load(dir.Combine("weft.json"), mustExist: false).ListenPort);
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(dir.Combine("nope.json"), mustExist: true));
        Assert.Contains("nope.json", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "listenport": 1 }""", "weft.json: key \"listenport\" is not known (did you mean \"listenPort\"?)")]
    [InlineData("""{ "mtuu": 1400 }""", "weft.json: key \"mtuu\" is not known (did you mean \"mtu\"?)")]
    [InlineData("""{ "colour": "blue" }""", "weft.json: key \"colour\" is not known (known keys: listenPort, interface, mtu, peers, logLevel, tlsPort, lanDiscovery, lanInterfaces, relay, portMapping, offloads)")]
    [InlineData("""{ "mtu": 70000 }""", "weft.json: \"mtu\" must be between 1280 and 9000, got 70000")]
    [InlineData("""{ "mtu": 1000 }""", "weft.json: \"mtu\" must be between 1280 and 9000, got 1000")]
    [InlineData("""{ "mtu": "1400" }""", "weft.json: \"mtu\" must be a number between 1280 and 9000, got a string")]
    [InlineData("""{ "mtu": 1400.5 }""", "weft.json: \"mtu\" must be a whole number between 1280 and 9000, got 1400.5")]
    [InlineData("""{ "listenPort": 0 }""", "weft.json: \"listenPort\" must be between 1 and 65535, got 0")]
    [InlineData("""{ "listenPort": true }""", "weft.json: \"listenPort\" must be a number between 1 and 65535, got a boolean")]
    [InlineData("""{ "interface": "a-very-long-interface-name" }""", "weft.json: \"interface\" must be 1 to 15 characters long, got \"a-very-long-interface-name\"")]
    [InlineData("""{ "interface": "we ft" }""", "weft.json: \"interface\" may contain only letters, digits, '-', '_', '.' and one \"%d\", got \"we ft\"")]
    [InlineData("""{ "peers": "10.0.0.1:51820" }""", "weft.json: \"peers\" must be an array of \"host:port\" strings, got a string")]
    [InlineData("""{ "peers": [51820] }""", "weft.json: \"peers\"[0] must be a \"host:port\" string, got a number")]
    [InlineData("""{ "peers": ["10.0.0.1"] }""", "weft.json: \"peers\"[0]: \"10.0.0.1\" is not host:port")]
    [InlineData("""{ "peers": ["10.0.0.1:99999"] }""", "weft.json: \"peers\"[0]: port \"99999\" in \"10.0.0.1:99999\" must be a number between 1 and 65535")]
    [InlineData("""{ "logLevel": "loud" }""", "weft.json: \"logLevel\" must be one of trace, debug, information, warning, error, critical, none, got \"loud\"")]
    [InlineData("""{ "mtu": 1400, "mtu": 1500 }""", "weft.json: key \"mtu\" appears more than once")]
    [InlineData("""[1, 2]""", "weft.json: the config must be a JSON object ({ ... }), got an array")]
    public void Bad_config_is_rejected_with_file_key_and_problem(string json, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(json, "weft.json"));
        Assert.Equal(expected, e.Message);
    }

    [Fact]
    public void Malformed_json_names_file_and_position()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("{\n  \"mtu\": 1400\n  \"peers\": []\n}", "/etc/weft/weft.json"));
        Assert.StartsWith("/etc/weft/weft.json: not valid JSON at line 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Command_line_overrides_file_and_defaults_fill_the_rest()
    {
        var file = ConfigLoader.Parse("""{ "listenPort": 4000, "interface": "mesh0", "peers": ["10.0.0.2:51820"] }""", "weft.json");
        var settings = DaemonSettings.Resolve(file, listenPort: 5000, interfaceName: null, commandLinePeers: ["10.0.0.3:51820", "10.0.0.2:51820"]);

        Assert.Equal(5000, settings.ListenPort);
        Assert.Equal("mesh0", settings.Interface);
        Assert.Equal(DaemonSettings.DefaultMtu, settings.Mtu);
        Assert.Equal([new HostPort("10.0.0.3", 51820), new HostPort("10.0.0.2", 51820)], settings.Peers);

        var defaults = DaemonSettings.Resolve(WeftConfig.Empty, null, null, []);
        Assert.Equal(51820, defaults.ListenPort);
        Assert.Equal("weft%d", defaults.Interface);
        Assert.Equal(1420, defaults.Mtu);
    }

    [Fact]
    public void Bad_command_line_peer_is_rejected()
    {
        var e = Assert.Throws<ConfigException>(() => DaemonSettings.Resolve(WeftConfig.Empty, null, null, ["nonsense"]));
        Assert.Equal("--peer: \"nonsense\" is not host:port", e.Message);
    }

    [Theory]
    [InlineData("10.0.0.1:51820", "10.0.0.1", 51820)]
    [InlineData("[fd00::1]:1", "fd00::1", 1)]
    [InlineData("host-a.example:65535", "host-a.example", 65535)]
    public void Host_port_parses(string text, string host, int port)
    {
        Assert.True(HostPort.TryParse(text, out var value, out var error), error);
        Assert.Equal(new HostPort(host, port), value);
        Assert.Equal(text, value.ToString());
    }

    [Theory]
    [InlineData("fd00::1:51820")]
    [InlineData("[10.0.0.1]:5")]
    [InlineData(":51820")]
    [InlineData("host:")]
    [InlineData("host:port")]
    [InlineData("a b:1")]
    public void Host_port_rejects(string text) => Assert.False(HostPort.TryParse(text, out _, out _));
}
