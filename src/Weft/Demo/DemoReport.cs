using System.Globalization;
using System.Text;
using Weft.Cli;

namespace Weft.Demo;

/// <summary>
/// What <c>weft demo</c> prints once the world is up: each node's <c>weft status</c>, every
/// pair's ping with the path it took, and a from × to matrix of the paths, e.g.
/// <code>
///   from \ to  desk            nas             laptop             ...
///   desk       -               udp 0.3 ms      via relay 1.9 ms
/// </code>
/// </summary>
internal static class DemoReport
{
    public static void Step(TextWriter output, string title)
    {
        output.WriteLine();
        output.WriteLine($"== {title}");
    }

    /// <summary>Prints a block of another command's output, indented.</summary>
    public static void Indented(TextWriter output, string text)
    {
        foreach (var line in text.TrimEnd().Split('\n'))
        {
            output.WriteLine("   " + line);
        }
    }

    /// <summary>One line per ping: the last reply's line (who, path, RTT) and how many came back.</summary>
    public static string PingLine(DemoPing ping)
    {
        var head = $"{ping.From.Name,-7} -> {ping.To.Name,-7} ";
        if (ping.Problem is not null)
        {
            return head + "FAILED: " + ping.Problem;
        }

        var summary = ping.Summary!;
        if (summary.Replies.Count == 0)
        {
            return head + $"NO REPLY ({summary.Sent} sent)";
        }

        return head + PingFormatter.Reply(summary.Replies[^1]) + $"  ({summary.Received}/{summary.Sent} replies)";
    }

    /// <summary>The from × to table of paths ("udp", "tls", "via relay") and average RTTs.</summary>
    public static string Matrix(IReadOnlyList<DemoNode> nodes, IReadOnlyList<DemoPing> pings)
    {
        var rows = new List<string[]>();
        var header = new string[nodes.Count + 1];
        header[0] = "from \\ to";
        for (var i = 0; i < nodes.Count; i++)
        {
            header[i + 1] = nodes[i].Name;
        }

        rows.Add(header);
        foreach (var from in nodes)
        {
            var row = new string[nodes.Count + 1];
            row[0] = from.Name;
            for (var i = 0; i < nodes.Count; i++)
            {
                var to = nodes[i];
                var ping = pings.FirstOrDefault(p => p.From == from && p.To == to);
                row[i + 1] = from == to ? "-" : ping is null ? "?" : Cell(ping);
            }

            rows.Add(row);
        }

        var text = new StringBuilder();
        TableWriter.Append(text, rows);
        return text.ToString();
    }

    /// <summary>"udp 0.3 ms" for a direct path, "via relay 1.9 ms" for a relayed one, "no reply" otherwise.</summary>
    public static string Cell(DemoPing ping)
    {
        if (!ping.Answered)
        {
            return "no reply";
        }

        var summary = ping.Summary!;
        var path = summary.Replies[^1].Path;
        string shortPath;
        if (path.StartsWith("direct ", StringComparison.Ordinal))
        {
            var words = path.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            shortPath = words.Length > 1 ? words[1] : path;
        }
        else if (path.StartsWith("via ", StringComparison.Ordinal))
        {
            // "via bravo -> charlie": the relays, without the destination itself.
            var hops = path[4..].Split("->", StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            shortPath = "via " + string.Join(",", hops.Length > 1 ? hops[..^1] : hops);
        }
        else
        {
            shortPath = path;
        }

        return shortPath + " " + string.Create(CultureInfo.InvariantCulture, $"{summary.AvgMs:0.0} ms");
    }
}
