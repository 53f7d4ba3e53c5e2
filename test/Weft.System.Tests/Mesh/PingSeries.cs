using System.Globalization;
using System.Text.RegularExpressions;

namespace Weft.SystemTests.Mesh;

/// <summary>
/// The replies of one <c>ping -i INTERVAL -c COUNT</c> run, read from its output: which icmp_seq
/// numbers came back and how many were sent. Since ping sends one request per interval whether
/// or not replies come, a run of missing sequence numbers is an outage whose length is known to
/// one interval: the time from the last reply before it to the first reply after it.
/// </summary>
public sealed partial class PingSeries
{
    private PingSeries(SortedSet<int> received, int transmitted, TimeSpan interval)
    {
        Received = received;
        Transmitted = transmitted;
        Interval = interval;
    }

    public IReadOnlySet<int> Received { get; }

    /// <summary>Requests sent, from ping's summary line (0 when ping printed none).</summary>
    public int Transmitted { get; }

    public TimeSpan Interval { get; }

    /// <summary>Reads ping's output lines ("64 bytes from ...: icmp_seq=12 ttl=64 time=0.4 ms", "75 packets transmitted, ...").</summary>
    public static PingSeries Parse(IEnumerable<string> lines, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var received = new SortedSet<int>();
        var transmitted = 0;
        foreach (var line in lines)
        {
            var reply = ReplyLine().Match(line);
            if (reply.Success)
            {
                received.Add(int.Parse(reply.Groups[1].Value, CultureInfo.InvariantCulture));
                continue;
            }

            var summary = SummaryLine().Match(line);
            if (summary.Success)
            {
                transmitted = int.Parse(summary.Groups[1].Value, CultureInfo.InvariantCulture);
            }
        }

        return new PingSeries(received, transmitted, interval);
    }

    /// <summary>
    /// The longest time without replies among requests sent after sequence number <paramref name="after"/>:
    /// (first seq answered after the hole − last seq answered before it) × interval. A hole that lasts to
    /// the end of the run (no reply ever came back) counts as <see cref="TimeSpan.MaxValue"/>.
    /// Returns the silence and the sequence numbers around it.
    /// </summary>
    public (TimeSpan Silence, int LastBefore, int FirstAfter) LongestSilence(int after = 0)
    {
        var last = Transmitted > 0 ? Transmitted : Received.Count == 0 ? 0 : ((SortedSet<int>)Received).Max;
        var longest = (Silence: TimeSpan.Zero, LastBefore: 0, FirstAfter: 0);
        int? previous = null;
        foreach (var seq in Received)
        {
            if (previous is { } p && seq > after && (seq - p) * Interval > longest.Silence)
            {
                longest = ((seq - p) * Interval, p, seq);
            }

            previous = seq;
        }

        var lastReceived = previous ?? 0;
        if (lastReceived < last && last - lastReceived > 1)
        {
            longest = (TimeSpan.MaxValue, lastReceived, -1);
        }

        return longest;
    }

    public override string ToString() => $"{Received.Count}/{Transmitted} replies; missing: {string.Join(",", Enumerable.Range(1, Math.Max(0, Transmitted)).Where(s => !Received.Contains(s)))}";

    [GeneratedRegex(@"icmp_seq=(\d+)")]
    private static partial Regex ReplyLine();

    [GeneratedRegex(@"^(\d+) packets transmitted")]
    private static partial Regex SummaryLine();
}
