using Weft.LocalApi;

namespace Weft.Cli;

/// <summary>
/// The outcome of one <c>weft ping</c> run (what <c>--json</c> prints): who was pinged, how many
/// pings went out and came back, every reply with its path, and min/avg/max RTT over the replies.
/// </summary>
internal sealed record PingSummary(
    string Target,
    string? Name,
    string? Address,
    int Sent,
    int Received,
    IReadOnlyList<PingReport> Replies,
    double? MinMs,
    double? AvgMs,
    double? MaxMs)
{
    public static PingSummary From(string target, int sent, IReadOnlyList<PingReport> replies)
    {
        if (replies.Count == 0)
        {
            return new PingSummary(target, null, null, sent, 0, replies, null, null, null);
        }

        double min = double.MaxValue, max = 0, sum = 0;
        foreach (var reply in replies)
        {
            min = Math.Min(min, reply.RttMs);
            max = Math.Max(max, reply.RttMs);
            sum += reply.RttMs;
        }

        var last = replies[^1];
        return new PingSummary(target, last.Name, last.Address, sent, replies.Count, replies, min, sum / replies.Count, max);
    }
}
