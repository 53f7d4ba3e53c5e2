using System.Globalization;
using System.Text;
using Weft.LocalApi;

namespace Weft.Cli;

/// <summary>
/// Renders a <see cref="StatusReport"/> for people: a few lines about this node, then an aligned
/// table with one row per peer: the path in use and its RTT, times relative to now, byte counts
/// with binary units.
/// </summary>
internal static class StatusFormatter
{
    public static string Format(StatusReport status, DateTimeOffset now)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{status.Name} (mesh {status.MeshName})");
        if (status.Interface is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" on {status.Interface}");
        }

        text.Append(CultureInfo.InvariantCulture, $", pid {status.Pid}\n");
        text.Append(CultureInfo.InvariantCulture, $"  ipv4         {status.Ipv4 ?? "-"}\n");
        text.Append(CultureInfo.InvariantCulture, $"  ipv6         {status.Ipv6}\n");
        text.Append(CultureInfo.InvariantCulture, $"  listen port  {status.ListenPort}\n");
        text.Append(CultureInfo.InvariantCulture, $"  certificate  expires {status.CertNotAfter.UtcDateTime:yyyy-MM-dd HH:mm} UTC ({Until(status.CertNotAfter, now)})\n");
        if (status.PortMapping is { } mapping)
        {
            text.Append(CultureInfo.InvariantCulture, $"  port map     {NetcheckFormatter.PortMapping(mapping)}\n");
        }
        text.Append('\n');

        if (status.Peers.Count == 0)
        {
            text.Append("no peers\n");
            AppendRefused(text, status, now);
            return text.ToString();
        }

        var rows = new List<string[]>
        {
            new[] { "PEER", "KIND", "IPV4", "IPV6", "PATH", "RTT", "HANDSHAKE", "RX", "TX", "PROBLEM" },
        };
        foreach (var peer in status.Peers)
        {
            rows.Add(
            [
                peer.Name,
                peer.Kind,
                peer.Ipv4 ?? "-",
                peer.Ipv6 ?? "-",
                PathOf(peer),
                peer.RttMs is { } rtt ? PingFormatter.Milliseconds(rtt) : "-",
                peer.LastHandshake is { } handshake ? Ago(handshake, now) : "never",
                Bytes(peer.RxBytes),
                Bytes(peer.TxBytes),
                peer.Problem ?? "",
            ]);
        }

        TableWriter.Append(text, rows);
        AppendRefused(text, status, now);
        return text.ToString();
    }

    /// <summary>Nodes turned away lately: "refused laptop from 10.0.0.2:51820 (3 times, last 5s ago): the certificate ...".</summary>
    private static void AppendRefused(StringBuilder text, StatusReport status, DateTimeOffset now)
    {
        if (status.Refused is not { Count: > 0 } refused)
        {
            return;
        }

        text.Append('\n');
        foreach (var r in refused)
        {
            var times = r.Count == 1 ? "once" : string.Create(CultureInfo.InvariantCulture, $"{r.Count} times");
            text.Append(CultureInfo.InvariantCulture, $"refused {r.Name} from {r.Source} ({times}, last {Ago(r.LastSeen, now)}): {r.Reason}\n");
        }
    }

    /// <summary>
    /// The path column: the node's path when it reports one ("direct udp 10.0.0.2:51820",
    /// "via bravo -> charlie"), else the bare endpoint, else "-"; while NAT traversal works on a relayed
    /// session its state follows: "via bravo -> charlie (NAT: punching)".
    /// </summary>
    public static string PathOf(PeerReport peer)
    {
        var path = peer.Path ?? peer.Endpoint ?? "-";
        return peer.NatTraversal is { } nat ? $"{path} (NAT: {nat})" : path;
    }

    /// <summary>"12s ago", "5m ago", "3h ago", "2d ago" (a future time reads "just now").</summary>
    public static string Ago(DateTimeOffset time, DateTimeOffset now)
    {
        var elapsed = now - time;
        if (elapsed < TimeSpan.FromSeconds(1))
        {
            return "just now";
        }

        return Span(elapsed) + " ago";
    }

    /// <summary>"in 364d", "in 5h"; "EXPIRED 2d ago" once past.</summary>
    public static string Until(DateTimeOffset time, DateTimeOffset now) =>
        time > now ? "in " + Span(time - now) : "EXPIRED " + Span(now - time) + " ago";

    /// <summary>Bytes with binary units: "512 B", "1.5 KiB", "3.2 MiB".</summary>
    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {units[unit]}");
    }

    private static string Span(TimeSpan span) => span switch
    {
        { TotalSeconds: < 60 } => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalSeconds}s"),
        { TotalMinutes: < 60 } => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes}m"),
        { TotalHours: < 48 } => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalDays}d"),
    };
}
