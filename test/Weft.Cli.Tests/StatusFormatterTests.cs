using Xunit;

namespace Weft.Cli.Tests;

/// <summary>The small human renderings of <c>weft status</c>.</summary>
public class StatusFormatterTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, "just now")]
    [InlineData(12, "12s ago")]
    [InlineData(59, "59s ago")]
    [InlineData(60, "1m ago")]
    [InlineData(3599, "59m ago")]
    [InlineData(3600, "1h ago")]
    [InlineData(47 * 3600, "47h ago")]
    [InlineData(3 * 86400, "3d ago")]
    public void Ago(int secondsAgo, string expected) => Assert.Equal(expected, StatusFormatter.Ago(Now.AddSeconds(-secondsAgo), Now));

    [Fact]
    public void Until_says_expired_once_past()
    {
        Assert.Equal("in 364d", StatusFormatter.Until(Now.AddDays(364), Now));
        Assert.Equal("EXPIRED 2d ago", StatusFormatter.Until(Now.AddDays(-2), Now));
    }

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(5L * 1024 * 1024, "5.0 MiB")]
    [InlineData(3L * 1024 * 1024 * 1024, "3.0 GiB")]
    public void Bytes(long bytes, string expected) => Assert.Equal(expected, StatusFormatter.Bytes(bytes));

    [Fact]
    public void Refused_nodes_are_listed_under_the_peers_with_their_reason()
    {
        var text = StatusFormatter.Format(LocalApiTests.SampleStatus(), new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
        Assert.Contains(
            "refused intruder from 10.213.0.7:51820 (3 times, last 5s ago): The certificate was issued by a CA this node does not trust (unknown issuer ID).",
            text,
            StringComparison.Ordinal);
    }

    [Fact]
    public void The_port_mapping_and_a_relayed_peers_nat_traversal_state_are_shown()
    {
        var status = LocalApiTests.SampleStatus() with { PortMapping = new Weft.LocalApi.PortMappingReport(true, "nat-pmp", "198.18.3.2:51820", null) };
        status = status with
        {
            Peers = [status.Peers[0] with { Path = "via relay -> laptop", NatTraversal = "retry in 20s" }],
        };
        var text = StatusFormatter.Format(status, new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
        Assert.Contains("  port map     NAT-PMP 198.18.3.2:51820\n", text, StringComparison.Ordinal);
        Assert.Contains("via relay -> laptop (NAT: retry in 20s)", text, StringComparison.Ordinal);

        var json = System.Text.Json.JsonSerializer.Serialize(status, Weft.LocalApi.LocalApiJsonContext.Readable.StatusReport);
        Assert.Contains("\"natTraversal\": \"retry in 20s\"", json, StringComparison.Ordinal);
        Assert.Contains("\"portMapping\": {", json, StringComparison.Ordinal);
    }
}
