using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Weft.SystemTests.Lab;

/// <summary>
/// What <c>weft status --json</c> printed, read into plain properties. This is the only place
/// that knows the JSON field names (camelCase of the node's NodeStatus/PeerStatus records:
/// name, meshName, ipv4, ipv6, listenPort, certNotAfter, interface, pid,
/// peers[{name, kind, nodeId, publicKey, ipv4, ipv6, endpoint, lastHandshake, rxBytes, txBytes,
/// verified, problem}], counters{name: value}); if they change, only this file changes.
/// Counters may be a flat map or nested objects; nested ones are flattened to "outer.inner".
/// </summary>
public sealed class WeftStatus
{
    /// <summary>The counters (by name, as the node reports them) that count received datagrams thrown away.</summary>
    private static readonly string[] DroppedDatagramCounters =
    [
        "wireGuard.datagramsTooShort", "wireGuard.invalidLength", "wireGuard.unknownType", "wireGuard.badMac1",
        "wireGuard.unknownReceiverIndex", "wireGuard.decryptFailures", "wireGuard.replays", "wireGuard.replayedInitiations",
        "wireGuard.badInnerLength", "wireGuard.badCookieReplies", "wireGuard.unexpectedResponses", "wireGuard.handshakeFailures",
        "wireGuard.unknownPeers", "helloRequestsIgnored", "helloRepliesRejected", "controlMessagesMalformed",
    ];

    private WeftStatus(string json, JsonObject root)
    {
        Json = json;
        Name = String(root, "name");
        MeshName = String(root, "meshName");
        Ipv4 = String(root, "ipv4");
        Ipv6 = String(root, "ipv6");
        Interface = String(root, "interface");
        ListenPort = (int)(Number(root, "listenPort") ?? 0);
        CertNotAfter = Time(root, "certNotAfter");
        var peers = new List<WeftPeerStatus>();
        if (root["peers"] is JsonArray array)
        {
            foreach (var item in array)
            {
                if (item is JsonObject peer)
                {
                    peers.Add(new WeftPeerStatus(
                        String(peer, "name") ?? "",
                        String(peer, "kind") ?? "",
                        String(peer, "nodeId"),
                        String(peer, "publicKey"),
                        String(peer, "ipv4"),
                        String(peer, "ipv6"),
                        String(peer, "endpoint"),
                        Time(peer, "lastHandshake"),
                        Number(peer, "rxBytes") ?? 0,
                        Number(peer, "txBytes") ?? 0,
                        peer["verified"] is JsonValue v && v.TryGetValue<bool>(out var verified) && verified,
                        String(peer, "problem")));
                }
            }
        }

        Peers = peers;
        var counters = new Dictionary<string, long>(StringComparer.Ordinal);
        Flatten(root["counters"], "", counters);
        Counters = counters;
    }

    /// <summary>The JSON text as printed, for logs and assertion messages.</summary>
    public string Json { get; }

    public string? Name { get; }

    public string? MeshName { get; }

    /// <summary>The node's IPv4 as printed (may carry a prefix length, see <see cref="Ipv4Address"/>).</summary>
    public string? Ipv4 { get; }

    /// <summary>The node's IPv6 as printed (may carry a prefix length, see <see cref="Ipv6Address"/>).</summary>
    public string? Ipv6 { get; }

    public string? Interface { get; }

    public int ListenPort { get; }

    public DateTimeOffset? CertNotAfter { get; }

    public IReadOnlyList<WeftPeerStatus> Peers { get; }

    /// <summary>Every counter by name (nested objects flattened to "a.b").</summary>
    public IReadOnlyDictionary<string, long> Counters { get; }

    /// <summary>The IPv4 address without a prefix length, e.g. "100.90.0.1".</summary>
    public string? Ipv4Address => StripPrefix(Ipv4);

    /// <summary>The IPv6 address without a prefix length.</summary>
    public string? Ipv6Address => StripPrefix(Ipv6);

    /// <summary>
    /// The node's counters of received datagrams it threw away: malformed, unauthenticated, for an
    /// unknown session, replayed, or a hello it would not answer. (Counters of dropped outgoing
    /// packets, e.g. txDroppedNoRoute, are not included.)
    /// </summary>
    public long DroppedDatagrams
    {
        get
        {
            long sum = 0;
            foreach (var (name, value) in Counters)
            {
                if (DroppedDatagramCounters.Contains(name, StringComparer.OrdinalIgnoreCase)
                    || name.StartsWith("rxDropped", StringComparison.OrdinalIgnoreCase)
                    || name.Contains("datagramsDropped", StringComparison.OrdinalIgnoreCase))
                {
                    sum += value;
                }
            }

            return sum;
        }
    }

    /// <summary>The node's counters of peers or hellos it refused (not a member, bad or expired certificate).</summary>
    public long Refusals
    {
        get
        {
            long sum = 0;
            foreach (var (name, value) in Counters)
            {
                if (name.Contains("Ignored", StringComparison.OrdinalIgnoreCase)
                    || name.Contains("Rejected", StringComparison.OrdinalIgnoreCase)
                    || name.Contains("Refused", StringComparison.OrdinalIgnoreCase)
                    || name.Contains("Expired", StringComparison.OrdinalIgnoreCase)
                    || name.Contains("UnknownCa", StringComparison.OrdinalIgnoreCase))
                {
                    sum += value;
                }
            }

            return sum;
        }
    }

    /// <summary>The sum of the counters whose name contains <paramref name="fragment"/> (ignoring case), e.g. "drop".</summary>
    public long SumCounters(string fragment)
    {
        long sum = 0;
        foreach (var (name, value) in Counters)
        {
            if (name.Contains(fragment, StringComparison.OrdinalIgnoreCase))
            {
                sum += value;
            }
        }

        return sum;
    }

    /// <summary>Reads the output of <c>weft status --json</c>; null (with the reason) when it is not a JSON object.</summary>
    public static WeftStatus? TryParse(string json, out string error)
    {
        try
        {
            if (JsonNode.Parse(json) is JsonObject root)
            {
                error = "";
                return new WeftStatus(json, root);
            }

            error = "not a JSON object";
            return null;
        }
        catch (JsonException e)
        {
            error = e.Message;
            return null;
        }
    }

    public override string ToString() => Json;

    private static string? StripPrefix(string? address)
    {
        if (address is null)
        {
            return null;
        }

        var slash = address.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? address : address[..slash];
    }

    private static string? String(JsonObject node, string name) =>
        node[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static long? Number(JsonObject node, string name) =>
        node[name] is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out var number) ? number : null;

    private static DateTimeOffset? Time(JsonObject node, string name) =>
        String(node, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : null;

    private static void Flatten(JsonNode? node, string prefix, Dictionary<string, long> into)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    Flatten(child, prefix.Length == 0 ? key : prefix + "." + key, into);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Flatten(array[i], prefix + "." + i.ToString(CultureInfo.InvariantCulture), into);
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out var number):
                into[prefix] = number;
                break;
            default:
                break;
        }
    }
}
