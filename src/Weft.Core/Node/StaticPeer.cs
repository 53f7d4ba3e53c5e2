using System.Net;
using Weft.Core.Identity;
using Weft.Core.Net;

namespace Weft.Core.Node;

/// <summary>
/// A peer known only by its endpoint (<c>host:port</c> from configuration): the hello state
/// machine that learns its key. All fields are guarded by the owning <see cref="MeshNode"/>'s gate.
/// </summary>
/// <remarks>
/// <code>
///  Hello ──(valid reply to the current nonce)──► Answered: WireGuard peer added, handshake started
///    ▲  └─(no reply: resend with a fresh nonce after 1, 2, 4, 8, 16, 16, … s)
///    └───────(answered, but no session for ReHelloAfter: the peer may have new keys)
///
///  Unanswered for 1.5 s and a stream connector exists: TCP host:port, then (failed, or no answer
///  1.5 s after connecting / 3 s after trying) TLS host:443; hellos go over each connection that opens.
///  Answered over a stream: the UDP host:port stays a path candidate (probed), and TCP is retried
///  every 20 s while the session is on TLS or a relay (MeshNode.Streams.cs).
/// </code>
/// </remarks>
internal sealed class StaticPeer(IPEndPoint endpoint)
{
    public static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(16);
    public static readonly TimeSpan ReHelloAfter = TimeSpan.FromMinutes(2);

    public IPEndPoint Endpoint { get; } = endpoint;

    /// <summary>The nonce of the hello request in flight; a reply must sign exactly this.</summary>
    public byte[] Nonce { get; } = new byte[Hello.NonceSize];

    public bool Answered { get; set; }

    /// <summary>Monotonic time of the reply (when <see cref="Answered"/>).</summary>
    public long AnsweredAt { get; set; }

    /// <summary>Hello requests sent since the last reply.</summary>
    public int Attempts { get; set; }

    /// <summary>Monotonic time of the next hello request while unanswered.</summary>
    public long NextAttempt { get; set; }

    /// <summary>The peer learned from the reply.</summary>
    public MeshPeer? Peer { get; set; }

    /// <summary>The nonce of the hello before the current one (a reply over a slower transport may still sign it).</summary>
    public byte[] PreviousNonce { get; } = new byte[Hello.NonceSize];

    /// <summary>Monotonic time of the first hello of the current unanswered round (starts the stream fallback clock).</summary>
    public long RoundStartedAt { get; set; }

    /// <summary>How far the UDP → TCP → TLS fallback of the current round got.</summary>
    public StreamFallbackStage Stage { get; set; }

    /// <summary>Monotonic time the current <see cref="Stage"/> began.</summary>
    public long StageStartedAt { get; set; }

    /// <summary>Monotonic time of the next background attempt at a better transport (once answered).</summary>
    public long NextUpgradeAttempt { get; set; }

    /// <summary>Stream connections we opened to this peer (for hellos, candidates, and closing when unneeded).</summary>
    public List<StreamConnection> Streams { get; } = [];

    /// <summary>The wait before hello number <paramref name="attempt"/> + 1: 1, 2, 4, … seconds, at most 16.</summary>
    public static TimeSpan Backoff(int attempt)
    {
        var seconds = FirstRetry.TotalSeconds * Math.Pow(2, Math.Min(attempt - 1, 10));
        return TimeSpan.FromSeconds(Math.Min(seconds, MaxRetry.TotalSeconds));
    }
}
