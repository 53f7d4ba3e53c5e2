using System.Text;
using Weft.LocalApi;

namespace Weft.Cli;

/// <summary>
/// Renders a <see cref="MapReport"/> for people: the nodes (this one marked with '*'), then the
/// advertised links with their costs, each as an aligned table. Link ends are shown by name when
/// the map knows the node, else by the start of the node ID.
/// <code>
///   NODE      IPV4        IPV6                  RELAY  NODE ID
///   home-pc*  100.90.0.1  fd5e:1a2b:3c4d:...    yes    7f3a9c01...
///
///   FROM      TO      COST
///   home-pc   relay   1.2 ms
/// </code>
/// </summary>
internal static class MapFormatter
{
    private const int ShortIdLength = 8;

    public static string Format(MapReport map)
    {
        var text = new StringBuilder();
        if (map.Nodes.Count == 0)
        {
            text.Append("no nodes known yet\n");
            return text.ToString();
        }

        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var node in map.Nodes)
        {
            names[node.NodeId] = node.Name;
        }

        var nodes = new List<string[]> { new[] { "NODE", "IPV4", "IPV6", "RELAY", "NODE ID" } };
        foreach (var node in map.Nodes.OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            nodes.Add([node.Self ? node.Name + "*" : node.Name, node.Ipv4 ?? "-", node.Ipv6, node.Relay ? "yes" : "no", node.NodeId]);
        }

        TableWriter.Append(text, nodes);
        text.Append('\n');
        if (map.Links.Count == 0)
        {
            text.Append("no links advertised yet\n");
            return text.ToString();
        }

        var links = new List<string[]> { new[] { "FROM", "TO", "COST" } };
        var sorted = map.Links
            .Select(l => (From: NameOf(l.From, names), To: NameOf(l.To, names), l.CostMs))
            .OrderBy(l => l.From, StringComparer.Ordinal)
            .ThenBy(l => l.To, StringComparer.Ordinal);
        foreach (var link in sorted)
        {
            links.Add([link.From, link.To, PingFormatter.Milliseconds(link.CostMs)]);
        }

        TableWriter.Append(text, links);
        text.Append("\n* this node\n");
        return text.ToString();
    }

    private static string NameOf(string nodeId, Dictionary<string, string> names) =>
        names.TryGetValue(nodeId, out var name) ? name : nodeId.Length > ShortIdLength ? nodeId[..ShortIdLength] + "..." : nodeId;
}
