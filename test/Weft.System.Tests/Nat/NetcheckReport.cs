using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Weft.SystemTests.Nat;

/// <summary>
/// What <c>weft netcheck --json</c> printed (the contract's JSON: udp, ipv4, ipv6, observations,
/// mapping, mappingDetail, portMapping{available, protocol, external, error}, hairpinning), read
/// into plain properties; only this file knows the field names.
/// </summary>
public sealed class NetcheckReport
{
    private NetcheckReport(string json, JsonObject root)
    {
        Json = json;
        Udp = Bool(root["udp"]);
        Ipv4 = (root["ipv4"] as JsonArray ?? []).Select(n => n is JsonValue v && v.GetValueKind() == JsonValueKind.String && IPEndPoint.TryParse(v.GetValue<string>(), out var e) ? e : null).OfType<IPEndPoint>().ToList();
        Mapping = Text(root["mapping"]);
        MappingDetail = Text(root["mappingDetail"]);
        var pm = root["portMapping"] as JsonObject;
        PortMappingAvailable = Bool(pm?["available"]);
        PortMappingProtocol = Text(pm?["protocol"]);
        PortMappingExternal = Text(pm?["external"]) is { } ext && IPEndPoint.TryParse(ext, out var e) ? e : null;
        PortMappingError = Text(pm?["error"]);
        Hairpinning = Bool(root["hairpinning"]);
        Observations = (root["observations"] as JsonArray ?? []).Count;
    }

    public string Json { get; }

    public bool? Udp { get; }

    public IReadOnlyList<IPEndPoint> Ipv4 { get; }

    public string? Mapping { get; }

    public string? MappingDetail { get; }

    public bool? PortMappingAvailable { get; }

    public string? PortMappingProtocol { get; }

    public IPEndPoint? PortMappingExternal { get; }

    public string? PortMappingError { get; }

    public bool? Hairpinning { get; }

    public int Observations { get; }

    /// <summary>Reads the JSON; null with the reason when it is not a netcheck report.</summary>
    public static NetcheckReport? TryParse(string json, out string error)
    {
        try
        {
            if (JsonNode.Parse(json) is JsonObject root && root.ContainsKey("mapping"))
            {
                error = "";
                return new NetcheckReport(json, root);
            }

            error = "not a JSON object with a 'mapping'";
            return null;
        }
        catch (JsonException e)
        {
            error = e.Message;
            return null;
        }
    }

    private static bool? Bool(JsonNode? node) => node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : null;

    private static string? Text(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
