using Weft.Config;
using Xunit;

namespace Weft.Cli.Tests;

/// <summary>The <c>relay</c> key: every member relays unless its config opts out.</summary>
public class RelayConfigTests
{
    [Fact]
    public void Relaying_is_on_unless_the_file_says_false()
    {
        Assert.True(DaemonSettings.Resolve(ConfigLoader.Parse("{}", "weft.json"), null, null, []).Relay);
        Assert.True(DaemonSettings.Resolve(ConfigLoader.Parse("""{ "relay": true }""", "weft.json"), null, null, []).Relay);
        Assert.False(DaemonSettings.Resolve(ConfigLoader.Parse("""{ "relay": false }""", "weft.json"), null, null, []).Relay);
    }

    [Theory]
    [InlineData("""{ "relay": "no" }""")]
    [InlineData("""{ "relay": 0 }""")]
    public void A_relay_that_is_not_a_boolean_is_rejected_naming_file_and_key(string json)
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(json, "weft.json"));
        Assert.StartsWith("weft.json: \"relay\" must be true or false", error.Message, StringComparison.Ordinal);
    }
}
