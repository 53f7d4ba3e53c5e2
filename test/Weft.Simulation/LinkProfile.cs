namespace Weft.Simulation;

/// <summary>
/// How a link treats the datagrams a host transmits onto a segment: base delay, jitter, random
/// loss, duplication and reordering, an MTU, and a bandwidth limit with a bounded drop-tail queue.
/// A segment has one; a single host's attachment may override it (an access link).
/// Immutable: change a link at any time by assigning a new profile (<c>with { Loss = 0.1 }</c>).
/// </summary>
/// <remarks>
/// One-way delay of a datagram = queueing + serialisation (size / bandwidth) + <see cref="Latency"/>
/// + a uniform random extra in [0, <see cref="Jitter"/>]. Jitter never reorders: a link is a FIFO
/// wire, so a datagram never arrives before one sent earlier on the same attachment. Reordering
/// happens only through <see cref="ReorderProbability"/>, which holds a datagram back by
/// <see cref="ReorderDelay"/> so later ones overtake it.
/// </remarks>
public sealed record LinkProfile
{
    /// <summary>A perfect link: no delay, no loss, no limit except a 1500-byte MTU.</summary>
    public static LinkProfile Ideal { get; } = new();

    /// <summary>Base one-way delay.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>Upper bound of the uniformly random extra delay added to each datagram.</summary>
    public TimeSpan Jitter { get; init; }

    /// <summary>Probability in [0, 1] that a datagram is lost.</summary>
    public double Loss { get; init; }

    /// <summary>Bits per second each attachment can transmit; 0 = unlimited (no serialisation delay, no queue).</summary>
    public long Bandwidth { get; init; }

    /// <summary>Bytes (wire size) that may wait to be transmitted when <see cref="Bandwidth"/> is set; more are tail-dropped.</summary>
    public int QueueBytes { get; init; } = 64 * 1024;

    /// <summary>Probability in [0, 1] that a datagram arrives twice.</summary>
    public double DuplicateProbability { get; init; }

    /// <summary>Probability in [0, 1] that a datagram is held back by <see cref="ReorderDelay"/>.</summary>
    public double ReorderProbability { get; init; }

    /// <summary>How long a reordered datagram is held back.</summary>
    public TimeSpan ReorderDelay { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Largest IP packet (datagram + 28 bytes IPv4/UDP or 48 bytes IPv6/UDP headers); larger ones are dropped. 0 = no limit.</summary>
    public int Mtu { get; init; } = 1500;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Latency, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(Jitter, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReorderDelay, TimeSpan.Zero);
        CheckProbability(Loss);
        CheckProbability(DuplicateProbability);
        CheckProbability(ReorderProbability);
        ArgumentOutOfRangeException.ThrowIfNegative(Bandwidth);
        ArgumentOutOfRangeException.ThrowIfNegative(QueueBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(Mtu);
    }

    private static void CheckProbability(double p)
    {
        if (!(p >= 0 && p <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "A probability must be in [0, 1].");
        }
    }
}
