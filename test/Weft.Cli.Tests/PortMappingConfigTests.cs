using Weft.Config;
using Xunit;

namespace Weft.Cli.Tests;

/// <summary>The <c>portMapping</c> key: the daemon asks the router for a port mapping unless the config opts out.</summary>
public class PortMappingConfigTests
{
    [Fact]
    public void Port_mapping_is_on_unless_the_file_says_false()
    {
        Assert.True(DaemonSettings.Resolve(ConfigLoader.Parse("{}", "weft.json"), null, null, []).PortMapping);
        Assert.True(DaemonSettings.Resolve(ConfigLoader.Parse("""{ "portMapping": true }""", "weft.json"), null, null, []).PortMapping);
        Assert.False(DaemonSettings.Resolve(ConfigLoader.Parse("""{ "portMapping": false }""", "weft.json"), null, null, []).PortMapping);
    }

    [Theory]
    [InlineData("""{ "portMapping": "no" }""", "a string")]
    [InlineData("""{ "portMapping": 1 }""", "a number")]
    [InlineData("""{ "portMapping": null }""", "null")]
    public void A_port_mapping_that_is_not_a_boolean_is_rejected_naming_file_and_key(string json, string got)
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(json, "weft.json"));
        Assert.Equal($"weft.json: \"portMapping\" must be true or false, got {got}", error.Message);
    }

    [Fact]
    public void A_misspelt_key_suggests_port_mapping()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("""{ "portmaping": false }""", "weft.json"));
        Assert.Equal("weft.json: key \"portmaping\" is not known (did you mean \"portMapping\"?)", error.Message);
    }
}
