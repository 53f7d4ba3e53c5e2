using Weft.Config;
using Xunit;

namespace Weft.Cli.Tests;

/// <summary>The <c>offloads</c> key: TUN and UDP offloads are on unless the config turns them off.</summary>
public class OffloadsConfigTests
{
    [Fact]
    public void Offloads_default_to_on_and_the_file_can_turn_them_off()
    {
        Assert.True(DaemonSettings.Resolve(ConfigLoader.Parse("{}", "weft.json"), null, null, []).Offloads);
        Assert.True(DaemonSettings.Resolve(ConfigLoader.Parse("""{ "offloads": true }""", "weft.json"), null, null, []).Offloads);
        Assert.False(DaemonSettings.Resolve(ConfigLoader.Parse("""{ "offloads": false }""", "weft.json"), null, null, []).Offloads);
    }

    [Theory]
    [InlineData("""{ "offloads": "off" }""", "a string")]
    [InlineData("""{ "offloads": 0 }""", "a number")]
    public void A_non_boolean_is_a_clear_error(string json, string got)
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(json, "weft.json"));
        Assert.Equal($"weft.json: \"offloads\" must be true or false, got {got}", error.Message);
    }

    [Fact]
    public void A_misspelt_key_gets_a_suggestion()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("""{ "offload": false }""", "weft.json"));
        Assert.Equal("weft.json: key \"offload\" is not known (did you mean \"offloads\"?)", error.Message);
    }
}
