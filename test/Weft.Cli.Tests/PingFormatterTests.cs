using Weft.Cli;
using Weft.LocalApi;
using Xunit;

namespace Weft.Cli.Tests;

/// <summary>The small human renderings of <c>weft ping</c> and the close-name suggestions.</summary>
public class PingFormatterTests
{
    [Theory]
    [InlineData("direct udp 10.213.0.2:51820", "via udp 10.213.0.2:51820")]
    [InlineData("direct tls 10.213.0.3:443", "via tls 10.213.0.3:443")]
    [InlineData("via bravo -> charlie", "via bravo -> charlie")]
    [InlineData("relay bravo", "via relay bravo")]
    public void Via(string path, string expected) => Assert.Equal(expected, PingFormatter.Via(path));

    [Theory]
    [InlineData(1.24, "1.2 ms")]
    [InlineData(12.06, "12.1 ms")]
    [InlineData(0.04, "0.04 ms")]
    [InlineData(0, "0.0 ms")]
    public void Milliseconds(double ms, string expected) => Assert.Equal(expected, PingFormatter.Milliseconds(ms));

    [Fact]
    public void Reply_without_an_overlay_address_names_only_the_member()
    {
        var reply = new PingReport("x", "charlie", "04", null, "via bravo -> charlie", 3.45);
        Assert.Equal("pong from charlie via bravo -> charlie in 3.5 ms", PingFormatter.Reply(reply));
    }

    [Fact]
    public void Summary_counts_loss_and_rtt()
    {
        PingReport Reply(double ms) => new("laptop", "laptop", "02", "100.90.0.2", "direct udp 10.213.0.2:51820", ms);
        var summary = PingSummary.From("laptop", 4, [Reply(1), Reply(2), Reply(3)]);
        Assert.Equal(3, summary.Received);
        Assert.Equal(1, summary.MinMs);
        Assert.Equal(2, summary.AvgMs);
        Assert.Equal(3, summary.MaxMs);
        Assert.Equal("--- laptop: 4 sent, 3 received, 25% loss, rtt min/avg/max 1.0/2.0/3.0 ms", PingFormatter.Summary(summary));

        var none = PingSummary.From("10.0.0.9", 3, []);
        Assert.Null(none.AvgMs);
        Assert.Equal("--- 10.0.0.9: 3 sent, 0 received, 100% loss", PingFormatter.Summary(none));
    }

    [Theory]
    [InlineData("laptop", "laptop", 0)]
    [InlineData("lapotp", "laptop", 2)]
    [InlineData("", "abc", 3)]
    [InlineData("kitten", "sitting", 3)]
    public void Edit_distance(string a, string b, int expected) => Assert.Equal(expected, NameSuggestions.Distance(a, b));

    [Fact]
    public void Close_names_are_typos_case_changes_and_substrings_closest_first()
    {
        string[] known = ["laptop", "laptop-2", "desk", "nas", "relay"];
        Assert.Equal(["laptop", "laptop-2"], NameSuggestions.Close("Laptop", known));
        Assert.Equal(["relay"], NameSuggestions.Close("rely", known));
        Assert.Equal(["laptop", "laptop-2"], NameSuggestions.Close("laptop2", known));
        Assert.Empty(NameSuggestions.Close("printer", known));
        Assert.Equal("no member named or addressed \"x\" is known (this node knows no other members yet)", NameSuggestions.UnknownTarget("x", []));
    }
}
