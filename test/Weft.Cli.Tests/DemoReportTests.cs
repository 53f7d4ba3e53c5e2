using Weft.Cli;
using Weft.Demo;
using Weft.LocalApi;
using Xunit;

namespace Weft.Cli.Tests;

/// <summary>The report <c>weft demo</c> prints: one line per ping and the from × to path matrix.</summary>
public class DemoReportTests
{
    private static readonly DemoNode Desk = new("desk", "weftdemo-1-desk", "192.168.213.10", relay: false);
    private static readonly DemoNode Nas = new("nas", "weftdemo-1-nas", "192.168.213.11", relay: false);
    private static readonly DemoNode Laptop = new("laptop", "weftdemo-1-laptop", "192.168.214.10", relay: false);

    private static DemoPing Ping(DemoNode from, DemoNode to, string path, params double[] rtts)
    {
        var replies = rtts.Select(ms => new PingReport(to.Name, to.Name, "00", "100.90.0.9", path, ms)).ToList();
        return new DemoPing(from, to, PingSummary.From(to.Name, 3, replies), null);
    }

    [Fact]
    public void Ping_line_shows_the_last_reply_and_the_count()
    {
        var line = DemoReport.PingLine(Ping(Desk, Laptop, "via relay -> laptop", 2.0, 1.91));
        Assert.Equal("desk    -> laptop  pong from laptop (100.90.0.9) via relay -> laptop in 1.9 ms  (2/3 replies)", line);
        Assert.Equal("desk    -> nas     NO REPLY (3 sent)", DemoReport.PingLine(Ping(Desk, Nas, "-")));
        Assert.Equal("desk    -> nas     FAILED: exit 1: weft: no member", DemoReport.PingLine(new DemoPing(Desk, Nas, null, "exit 1: weft: no member")));
    }

    [Theory]
    [InlineData("direct udp 192.168.213.11:51820", "udp 0.3 ms")]
    [InlineData("direct tls 10.213.0.10:443", "tls 0.3 ms")]
    [InlineData("via relay -> laptop", "via relay 0.3 ms")]
    [InlineData("via relay -> bravo -> laptop", "via relay,bravo 0.3 ms")]
    public void Matrix_cell_is_the_short_path_and_average_rtt(string path, string expected) =>
        Assert.Equal(expected, DemoReport.Cell(Ping(Desk, Laptop, path, 0.2, 0.4)));

    [Fact]
    public void Matrix_has_a_row_and_column_per_node()
    {
        DemoNode[] nodes = [Desk, Nas, Laptop];
        DemoPing[] pings =
        [
            Ping(Desk, Nas, "direct udp 192.168.213.11:51820", 0.3),
            Ping(Desk, Laptop, "via relay -> laptop", 1.9),
            Ping(Nas, Desk, "direct udp 192.168.213.10:51820", 0.3),
            Ping(Nas, Laptop, "via relay -> laptop"),
        ];
        var lines = DemoReport.Matrix(nodes, pings).TrimEnd().Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.Matches(@"^from \\ to +desk +nas +laptop$", lines[0]);
        Assert.Matches(@"^desk +- +udp 0\.3 ms +via relay 1\.9 ms$", lines[1]);
        Assert.Matches(@"^nas +udp 0\.3 ms +- +no reply$", lines[2]);
        Assert.Matches(@"^laptop +\? +\? +-$", lines[3]);
    }
}
