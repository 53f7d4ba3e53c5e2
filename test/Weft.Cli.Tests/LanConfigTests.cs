using Weft.Config;
using Xunit;

namespace Weft.Cli.Tests;

/// <summary>The LAN discovery keys of the config file: <c>lanDiscovery</c> and <c>lanInterfaces</c>.</summary>
public class LanConfigTests
{
    [Fact]
    public void Lan_discovery_is_on_for_every_interface_by_default()
    {
        var settings = DaemonSettings.Resolve(WeftConfig.Empty, null, null, []);
        Assert.True(settings.LanDiscovery);
        Assert.Empty(settings.LanInterfaces);
    }

    [Fact]
    public void Lan_keys_are_read_and_reach_the_settings()
    {
        var file = ConfigLoader.Parse("""{ "lanDiscovery": false, "lanInterfaces": ["eth0", "br-lan", "eth0"] }""", "weft.json");
        Assert.False(file.LanDiscovery);
        Assert.Equal(["eth0", "br-lan"], file.LanInterfaces);
        var settings = DaemonSettings.Resolve(file, null, null, []);
        Assert.False(settings.LanDiscovery);
        Assert.Equal(["eth0", "br-lan"], settings.LanInterfaces);
        Assert.True(DaemonSettings.Resolve(ConfigLoader.Parse("""{ "lanDiscovery": true }""", "weft.json"), null, null, []).LanDiscovery);
    }

    [Theory]
    [InlineData("""{ "lanDiscovery": "yes" }""", "weft.json: \"lanDiscovery\" must be true or false, got a string")]
    [InlineData("""{ "lanInterfaces": "eth0" }""", "weft.json: \"lanInterfaces\" must be an array of interface names, got a string")]
    [InlineData("""{ "lanInterfaces": [1] }""", "weft.json: \"lanInterfaces\"[0] must be an interface name, got a number")]
    [InlineData("""{ "lanInterfaces": ["eth%d"] }""", "weft.json: \"lanInterfaces\"[0] must name an existing interface (no \"%d\"), got \"eth%d\"")]
    [InlineData("""{ "lanInterfaces": ["a-very-long-interface-name"] }""", "weft.json: \"lanInterfaces\"[0] must be 1 to 15 characters long, got \"a-very-long-interface-name\"")]
    [InlineData("""{ "landiscovery": true }""", "weft.json: key \"landiscovery\" is not known (did you mean \"lanDiscovery\"?)")]
    public void Bad_lan_keys_are_rejected_with_file_key_and_problem(string json, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(json, "weft.json"));
        Assert.Equal(expected, e.Message);
    }
}
