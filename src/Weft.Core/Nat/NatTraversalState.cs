namespace Weft.Core.Nat;

/// <summary>
/// NAT traversal toward one member peer: the attempt in progress (its id, role, phase and the peer's candidates), the
/// backoff after failures, and what the initiation rule needs (how long the session has been relayed, when the peer
/// last asked). Guarded by the node's gate; timestamps in <see cref="TimeProvider"/> units.
/// </summary>
internal sealed class NatTraversalState
{
    public const long Never = long.MinValue / 4;

    public NatAttemptPhase Phase { get; set; }

    /// <summary>True if we sent the Request of the current attempt.</summary>
    public bool Initiator { get; set; }

    public uint AttemptId { get; set; }

    /// <summary>When the current phase began (timeouts of Requested, Sweeping, AwaitingGo).</summary>
    public long PhaseStartedAt { get; set; } = Never;

    /// <summary>When probing began (the attempt fails if the session is still relayed 5 s later).</summary>
    public long ProbesStartedAt { get; set; } = Never;

    /// <summary>When the next attempt is due (the backoff); <see cref="Never"/>: now.</summary>
    public long NextAttemptAt { get; set; } = Never;

    /// <summary>Failed attempts in a row (the backoff step).</summary>
    public int Failures { get; set; }

    /// <summary>Since when the session has gone through a relay; <see cref="Never"/> while it is direct.</summary>
    public long RelayedSince { get; set; } = Never;

    /// <summary>When the peer's last Request arrived (the higher node ID waits 5 s for one before initiating itself).</summary>
    public long LastRequestAt { get; set; } = Never;

    /// <summary>When we last answered a Request (at most one a second).</summary>
    public long LastAnsweredAt { get; set; } = Never;

    /// <summary>The session was direct since the last attempt: falling back to the relay resets the backoff.</summary>
    public bool WasDirect { get; set; }

    /// <summary>A reset asked for an attempt now: the higher node ID need not wait for the peer's Request.</summary>
    public bool ResetPending { get; set; }

    /// <summary>The peer's flags and candidates from its Request or Reply.</summary>
    public NatMapping PeerMapping { get; set; }

    public bool PeerHasPortMapping { get; set; }

    public IReadOnlyList<NatCandidate> PeerCandidates { get; set; } = [];

    /// <summary>When we last started a sweep toward this peer (sweeps are rate-limited per peer).</summary>
    public long LastSweepAt { get; set; } = Never;

    /// <summary>The sweep of the current attempt, if we sweep and it is running.</summary>
    public NatSweep? Sweep { get; set; }

    /// <summary>True while an attempt is running.</summary>
    public bool Active => Phase != NatAttemptPhase.Idle;

    /// <summary>Ends the current attempt (stopping its sweep).</summary>
    public void EndAttempt()
    {
        Sweep?.Cancel();
        Sweep = null;
        Phase = NatAttemptPhase.Idle;
        PhaseStartedAt = Never;
        ProbesStartedAt = Never;
        ResetPending = false;
    }

    /// <summary>An attempt now, with the backoff cleared (network change, new mapping, new reflexive endpoints, fallback).</summary>
    public void Reset(bool abortRunning)
    {
        if (abortRunning && Active)
        {
            EndAttempt();
        }

        Failures = 0;
        NextAttemptAt = Never;
        ResetPending = true;
    }

    /// <summary>The attempt failed: back off (<see cref="NatBackoff"/>).</summary>
    public TimeSpan Fail(long now, long frequency)
    {
        EndAttempt();
        Failures++;
        var delay = NatBackoff.After(Failures);
        NextAttemptAt = now + (long)(delay.TotalSeconds * frequency);
        return delay;
    }

    /// <summary>For the peer's status: "punching" during an attempt, "retry in 20s" while backing off, null otherwise.</summary>
    public string? Describe(long now, long frequency)
    {
        if (RelayedSince == Never)
        {
            return null;
        }

        if (Active || NextAttemptAt <= now)
        {
            return "punching";
        }

        var seconds = (long)Math.Ceiling((NextAttemptAt - now) / (double)frequency);
        return $"retry in {seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}s";
    }
}
