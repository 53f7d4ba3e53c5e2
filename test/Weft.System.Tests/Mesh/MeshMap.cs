using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Weft.SystemTests.Mesh;

/// <summary>
/// What <c>weft map --json</c> printed, reduced to what must stay put when nothing real changed:
/// the set of node names and the set of links (from → to, by node name or ID). Link costs are
/// measured RTTs and move on their own, so they are kept only for the log.
/// </summary>
public sealed class MeshMap
{
    private MeshMap(string json, IReadOnlyList<string> nodes, IReadOnlyList<string> links)
    {
        Json = json;
        Nodes = nodes;
        Links = links;
    }

    public string Json { get; }

    /// <summary>Node names (or IDs when unnamed), sorted.</summary>
    public IReadOnlyList<string> Nodes { get; }

    /// <summary>"from -> to" for every link, sorted (IDs mapped to names where the map names them).</summary>
    public IReadOnlyList<string> Links { get; }

    /// <summary>Reads <c>weft map --json</c> (nodes[{nodeId, name, ...}], links[{from, to, costMs}]); null with the reason when it is not that.</summary>
    public static MeshMap? TryParse(string json, out string error)
    {
        try
        {
            if (JsonNode.Parse(json) is not JsonObject root || root["nodes"] is not JsonArray nodes || root["links"] is not JsonArray links)
            {
                error = "no nodes and links arrays";
                return null;
            }

            var names = new Dictionary<string, string>(StringComparer.Ordinal);
            var nodeList = new List<string>();
            foreach (var node in nodes.OfType<JsonObject>())
            {
                var id = Text(node, "nodeId") ?? "";
                var name = Text(node, "name") ?? id;
                names[id] = name;
                nodeList.Add(name);
            }

            var linkList = new List<string>();
            foreach (var link in links.OfType<JsonObject>())
            {
                var from = Text(link, "from") ?? "?";
                var to = Text(link, "to") ?? "?";
                linkList.Add(string.Create(CultureInfo.InvariantCulture, $"{names.GetValueOrDefault(from, from)} -> {names.GetValueOrDefault(to, to)}"));
            }

            nodeList.Sort(StringComparer.Ordinal);
            linkList.Sort(StringComparer.Ordinal);
            error = "";
            return new MeshMap(json, nodeList, linkList);
        }
        catch (JsonException e)
        {
            error = e.Message;
            return null;
        }
    }

    /// <summary>True when both maps have the same nodes and the same links.</summary>
    public bool SameTopology(MeshMap other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Nodes.SequenceEqual(other.Nodes) && Links.SequenceEqual(other.Links);
    }

    public override string ToString() => $"nodes [{string.Join(", ", Nodes)}], links [{string.Join(", ", Links)}]";

    private static string? Text(JsonObject node, string name) =>
        node[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
