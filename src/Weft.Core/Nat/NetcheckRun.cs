using System.Net;
using Weft.Core.Paths;

namespace Weft.Core.Nat;

/// <summary>
/// One <c>RunNetcheckAsync</c> in progress, driven by the node's tick (so nothing is sent or timed from the caller's
/// continuation): the pings sent to public members and their pongs, then the hairpin probe, then the report.
/// Guarded by the node's gate, except <see cref="HairpinSeen"/> (set by the receive path).
/// </summary>
internal sealed class NetcheckRun
{
    public NetcheckRun(long pongDeadline, long deadline)
    {
        PongDeadline = pongDeadline;
        Deadline = deadline;
    }

    /// <summary>The pings: which member, which of its endpoints, the probe id, and the pong (its observed source).</summary>
    public List<(string Member, IPEndPoint Endpoint, ulong ProbeId, TaskCompletionSource<ObservedEndpoint?> Pong)> Asked { get; } = [];

    /// <summary>Configured static peers with a public address that have no session to ping (they count as silent).</summary>
    public int Unreachable { get; set; }

    /// <summary>Until when pongs are awaited (earlier if all came).</summary>
    public long PongDeadline { get; }

    /// <summary>When the report is due at the latest.</summary>
    public long Deadline { get; set; }

    /// <summary>The answers, once the pong phase is over (null before).</summary>
    public List<ReflexiveObservation>? Observations { get; set; }

    /// <summary>The token of our hairpin probe (null: none sent, or nothing to try).</summary>
    public byte[]? HairpinToken { get; set; }

    /// <summary>Set when our hairpin probe came back.</summary>
    public volatile bool HairpinSeen;

    public TaskCompletionSource<NatReport> Report { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True when every ping has been answered.</summary>
    public bool AllAnswered => Asked.TrueForAll(a => a.Pong.Task.IsCompleted);
}
