using System.Text.Json;
using System.Text.Json.Nodes;
using Weft.SystemTests.Lab;

namespace Weft.SystemTests.Mesh;

/// <summary>
/// Reads the issue-3 fields of <c>weft status --json</c> that <see cref="WeftStatus"/> does not know:
/// each peer's <c>path</c> ("direct udp 10.0.0.2:51820", "direct tls 10.0.0.3:443",
/// "via bravo -> charlie") and <c>rttMs</c>; and sums the node's drop counters. Only this file
/// knows those field names.
/// </summary>
public static class MeshStatus
{
    /// <summary>Fragments of counter names that count something thrown away or refused.</summary>
    private static readonly string[] DropFragments = ["drop", "malformed", "ignored", "rejected", "unknown", "invalid", "bad", "tooshort", "forged", "expired", "refused", "otherca", "foreign", "nonmember"];

    /// <summary>The path <paramref name="status"/> shows for the peer named <paramref name="peerName"/>; null when none.</summary>
    public static string? PathTo(WeftStatus status, string peerName) =>
        Peer(status, peerName)?["path"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    /// <summary>The RTT in milliseconds <paramref name="status"/> shows for the peer named <paramref name="peerName"/>; null when none.</summary>
    public static double? RttTo(WeftStatus status, string peerName) =>
        Peer(status, peerName)?["rttMs"] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : null;

    /// <summary>The sum of every counter whose name says it counts a drop or a refusal.</summary>
    public static long Drops(WeftStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        long sum = 0;
        foreach (var (name, value) in status.Counters)
        {
            if (DropFragments.Any(f => name.Contains(f, StringComparison.OrdinalIgnoreCase)))
            {
                sum += value;
            }
        }

        return sum;
    }

    /// <summary>The sum of the drop/refusal counters about LAN beacons (e.g. beacons from another CA, malformed beacons).</summary>
    public static long BeaconDrops(WeftStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        long sum = 0;
        foreach (var (name, value) in status.Counters)
        {
            if (name.Contains("beacon", StringComparison.OrdinalIgnoreCase) && DropFragments.Any(f => name.Contains(f, StringComparison.OrdinalIgnoreCase)))
            {
                sum += value;
            }
        }

        return sum;
    }

    /// <summary>Every drop/refusal counter that changed between two snapshots, as "name: before -> after" lines.</summary>
    public static string DropChanges(WeftStatus before, WeftStatus after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var lines = new List<string>();
        foreach (var (name, value) in after.Counters)
        {
            var old = before.Counters.TryGetValue(name, out var o) ? o : 0;
            if (old != value && DropFragments.Any(f => name.Contains(f, StringComparison.OrdinalIgnoreCase)))
            {
                lines.Add($"{name}: {old} -> {value}");
            }
        }

        return lines.Count == 0 ? "(none)" : string.Join('\n', lines);
    }

    private static JsonObject? Peer(WeftStatus status, string peerName)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (JsonNode.Parse(status.Json) is not JsonObject root || root["peers"] is not JsonArray peers)
        {
            return null;
        }

        foreach (var item in peers)
        {
            if (item is JsonObject peer && peer["name"] is JsonValue name && name.GetValueKind() == JsonValueKind.String && name.GetValue<string>() == peerName)
            {
                return peer;
            }
        }

        return null;
    }
}
