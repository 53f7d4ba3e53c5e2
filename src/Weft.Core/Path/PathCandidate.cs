using Weft.Core.Net;

namespace Weft.Core.Paths;

/// <summary>
/// One way to reach a peer and what probing learned about it: when it last answered a ping
/// (or carried anything authenticated from the peer), its round-trip time, unanswered probes.
/// Fields are guarded by the owning node's gate; timestamps are in <see cref="TimeProvider"/> units.
/// </summary>
internal sealed class PathCandidate(Endpoint endpoint, PathClass pathClass, long now)
{
    public const long Never = long.MinValue / 4;

    /// <summary>Weight of a new RTT sample in the moving average.</summary>
    private const double RttWeight = 0.25;

    public Endpoint Endpoint { get; } = endpoint;

    public PathClass Class { get; } = pathClass;

    /// <summary>Preference order, lower is better: the class, and within streams TCP before TLS (less overhead).</summary>
    public int Rank { get; } = ((int)pathClass << 1) | (endpoint.Kind == TransportKind.Tls ? 1 : 0);

    public PathSource Sources { get; set; }

    public long AddedAt { get; } = now;

    /// <summary>Exponentially weighted moving average of ping round trips, in milliseconds.</summary>
    public double? RttMs { get; private set; }

    public long LastPongAt { get; private set; } = Never;

    /// <summary>Last authenticated message from the peer that came over this path (not only pongs).</summary>
    public long LastHeardAt { get; set; } = Never;

    public long LastPingAt { get; set; } = Never;

    /// <summary>Pings sent since the last pong.</summary>
    public int Unanswered { get; set; }

    /// <summary>Pongs in a row (reset when a ping goes unanswered for the dead time).</summary>
    public int ConsecutivePongs { get; set; }

    /// <summary>When the current probe burst of a NAT traversal attempt began (<see cref="Never"/>: no burst).</summary>
    public long BurstStartedAt { get; set; } = Never;

    /// <summary>Pings of the current burst already sent (see <c>Weft.Core.Nat.ProbeBurst</c>).</summary>
    public int BurstStep { get; set; }

    /// <summary>True if the candidate came only from call me maybe and never proved itself: probed only in bursts.</summary>
    public bool IsUnprovenCallMeMaybe => (Sources & ~PathSource.CallMeMaybe) == PathSource.None && (Sources & PathSource.CallMeMaybe) != 0
                                         && LastProofAt == Never;

    /// <summary>Starts (or restarts) a probe burst now.</summary>
    public void StartBurst(long now)
    {
        BurstStartedAt = now;
        BurstStep = 0;
    }

    /// <summary>Latest proof that the path works: a pong or anything heard over it.</summary>
    public long LastProofAt => Math.Max(LastPongAt, LastHeardAt);

    public void RecordPong(long now, double rttMs)
    {
        LastPongAt = now;
        Unanswered = 0;
        ConsecutivePongs++;
        RttMs = RttMs is { } average ? average + (RttWeight * (rttMs - average)) : rttMs;
    }

    public override string ToString() => $"{Endpoint} ({Class}, rtt {RttMs?.ToString("F1", System.Globalization.CultureInfo.InvariantCulture) ?? "?"} ms)";
}
