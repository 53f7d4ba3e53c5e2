using System.Globalization;
using Weft.LocalApi;

namespace Weft.Cli;

/// <summary>
/// The human lines of <c>weft ping</c>, one per reply, like <c>tailscale ping</c>:
/// <code>
///   pong from laptop (100.90.0.2) via udp 10.213.0.2:51820 in 1.2 ms
///   pong from charlie (100.90.0.3) via bravo -> charlie in 3.4 ms
///   no reply from charlie within 2 s
///   --- charlie: 5 sent, 4 received, 20% loss, rtt min/avg/max 1.1/1.3/1.9 ms
/// </code>
/// </summary>
internal static class PingFormatter
{
    public static string Reply(PingReport reply)
    {
        var who = reply.Address is null ? reply.Name : $"{reply.Name} ({reply.Address})";
        return $"pong from {who} {Via(reply.Path)} in {Milliseconds(reply.RttMs)}";
    }

    public static string NoReply(string target, TimeSpan timeout) =>
        string.Create(CultureInfo.InvariantCulture, $"no reply from {target} within {timeout.TotalSeconds:0.###} s");

    public static string Summary(PingSummary summary)
    {
        var who = summary.Name ?? summary.Target;
        var loss = summary.Sent == 0 ? 0 : 100.0 * (summary.Sent - summary.Received) / summary.Sent;
        var line = string.Create(CultureInfo.InvariantCulture, $"--- {who}: {summary.Sent} sent, {summary.Received} received, {loss:0.#}% loss");
        if (summary is { MinMs: { } min, AvgMs: { } avg, MaxMs: { } max })
        {
            line += $", rtt min/avg/max {Number(min)}/{Number(avg)}/{Number(max)} ms";
        }

        return line;
    }

    /// <summary>
    /// "via udp 10.213.0.2:51820" for a direct path (the node says "direct udp ..."), "via bravo ->
    /// charlie" for a relayed one (the node already says "via ...").
    /// </summary>
    public static string Via(string path)
    {
        const string Direct = "direct ";
        if (path.StartsWith(Direct, StringComparison.Ordinal))
        {
            return "via " + path[Direct.Length..];
        }

        return path.StartsWith("via ", StringComparison.Ordinal) ? path : "via " + path;
    }

    /// <summary>"1.2 ms"; "0.05 ms" below a tenth of a millisecond.</summary>
    public static string Milliseconds(double ms) => Number(ms) + " ms";

    private static string Number(double ms) =>
        ms.ToString(ms is > 0 and < 0.1 ? "0.00" : "0.0", CultureInfo.InvariantCulture);
}
