using Weft.Core.Net;

namespace Weft.Core.Paths;

/// <summary>
/// The ways to reach one member peer (its path candidates) and the policy that picks the one
/// its session uses. Owned by the node's peer record; guarded by the node's gate, except the
/// roaming fields read on the receive path.
/// </summary>
/// <remarks>
/// <para><b>Candidates</b> come from configuration (a static peer's <c>host:port</c>), hellos, roaming
/// (any authenticated message from a new source), stream connections (ours or the peer's), discovery
/// and the mesh (a <see cref="RelayEndpoint"/> when a route through relays exists).</para>
/// <para><b>Preference</b> (<see cref="PathClass"/>): direct LAN &gt; direct UDP &gt; direct TCP/TLS &gt;
/// relay (and TCP before TLS); within a class the lower RTT, but only by a clear margin (30 % and 2 ms).</para>
/// <para><b>Probing</b>: pings (control message 0x02, answered by a pong 0x03 sent back to the endpoint
/// the ping came from) go to each candidate's own endpoint without moving the session: the path in use
/// every <see cref="PathTimings.ActiveProbeInterval"/>, candidates of a better class every
/// <see cref="PathTimings.UpgradeProbeInterval"/>, the rest every <see cref="PathTimings.BackgroundProbeInterval"/>;
/// a candidate that keeps failing is probed only every <see cref="PathTimings.FailingProbeInterval"/>;
/// while the path in use is dead, every candidate is probed at the active rate.</para>
/// <para><b>Choice</b> (<see cref="Choose"/>, evaluated every tick):</para>
/// <list type="number">
/// <item>No path yet: the best-class candidate (proven ones first).</item>
/// <item>The path in use is alive (a pong or any authenticated message over it within
/// <see cref="PathTimings.DeadAfter"/> of now, or of when it was chosen): keep it, unless a candidate of
/// a better class (or the same class and clearly faster) answered <see cref="PathTimings.UpgradePongs"/>
/// pings in a row, the last one recently — then upgrade.</item>
/// <item>The path in use is dead: move to the best candidate that proved itself within
/// <see cref="PathTimings.FallbackFresh"/>; with none, stay and keep probing everything (the first
/// candidate to answer wins). With the default timings a dead path is left within 3–4 s.</item>
/// <item>No session (the handshake keeps failing on the path in use): after twice the dead time the
/// candidates take turns receiving the handshake (<see cref="NextForHandshake"/>).</item>
/// </list>
/// <para><b>Roaming</b>: WireGuard moves a session to wherever authenticated packets come from. Here
/// the choice above wins: a packet from a new source makes it a candidate (probed at once if it is
/// better), and moves the session there by itself only if the path in use has been silent for
/// <see cref="PathTimings.RoamAfterSilence"/> (new source of an equal or better class: the peer roamed)
/// or <see cref="PathTimings.DeadAfter"/> (worse class). So asymmetric use (the peer sends over a relay
/// while we send direct) does not flap, and a peer whose address changed is followed in about 2 s.</para>
/// </remarks>
internal sealed class PeerPaths
{
    private readonly List<PathCandidate> candidates = [];
    private volatile Endpoint? lastForeign;
    private long lastForeignNotedAt = PathCandidate.Never;
    private volatile Endpoint? pendingForeign;
    private long pendingForeignAt;
    private long chosenAt = PathCandidate.Never;

    public IReadOnlyList<PathCandidate> Candidates => candidates;

    /// <summary>When the endpoint in use was last chosen (or roamed to). Read lock-free by the receive path.</summary>
    public long ChosenAt
    {
        get => Volatile.Read(ref chosenAt);
        set => Volatile.Write(ref chosenAt, value);
    }

    /// <summary>This node's address as the peer saw it in its last pong (reflexive address), with the transport.</summary>
    public ObservedEndpoint? Reflexive { get; set; }

    public PathCandidate? Find(Endpoint endpoint)
    {
        foreach (var candidate in candidates)
        {
            if (candidate.Endpoint.Equals(endpoint))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Adds <paramref name="endpoint"/> (or adds <paramref name="source"/> to the existing candidate).</summary>
    public PathCandidate Note(Endpoint endpoint, PathSource source, long now, Func<System.Net.IPAddress, bool>? onLink)
    {
        var candidate = Find(endpoint);
        if (candidate is null)
        {
            candidate = new PathCandidate(endpoint, PathClassifier.Classify(endpoint, onLink), now);
            candidates.Add(candidate);
        }

        candidate.Sources |= source;
        return candidate;
    }

    public bool Remove(Endpoint endpoint)
    {
        var index = candidates.FindIndex(c => c.Endpoint.Equals(endpoint));
        if (index < 0)
        {
            return false;
        }

        candidates.RemoveAt(index);
        return true;
    }

    /// <summary>
    /// Receive path, lock-free and allocation-free: remembers that the peer spoke from
    /// <paramref name="source"/> (not the endpoint in use), at most once a <paramref name="second"/> per
    /// source; the next tick turns it into a candidate (<see cref="TakeForeign"/>). False if it was noted lately.
    /// </summary>
    public bool ShouldNoteForeign(Endpoint source, long now, long second)
    {
        var last = lastForeign;
        if (last is not null && (ReferenceEquals(last, source) || last.Equals(source)) && now - Volatile.Read(ref lastForeignNotedAt) < second)
        {
            return false;
        }

        lastForeign = source;
        Volatile.Write(ref lastForeignNotedAt, now);
        Volatile.Write(ref pendingForeignAt, now);
        pendingForeign = source;
        return true;
    }

    /// <summary>The source noted by <see cref="ShouldNoteForeign"/> since the last call, and when it was heard.</summary>
    public (Endpoint? Source, long HeardAt) TakeForeign()
    {
        var source = Interlocked.Exchange(ref pendingForeign, null);
        return (source, Volatile.Read(ref pendingForeignAt));
    }

    /// <summary>Forgets learned candidates that stayed silent (never configured, stream or relay ones, never the one in use).</summary>
    public void Expire(Endpoint? current, long now, long forgetAfter)
    {
        candidates.RemoveAll(c =>
            (c.Sources & (PathSource.Config | PathSource.Stream | PathSource.Relay | PathSource.Discovery)) == 0
            && (current is null || !c.Endpoint.Equals(current))
            && c.BurstStartedAt == PathCandidate.Never
            && now - Math.Max(c.AddedAt, c.LastProofAt) > forgetAfter);
    }

    /// <summary>True if the path in use counts as alive (see the remarks).</summary>
    public static bool IsAlive(PathCandidate? current, long chosenAt, long now, long deadAfter) =>
        current is not null && now - Math.Max(current.LastProofAt, chosenAt) < deadAfter;

    /// <summary>The endpoint the session should use now, by the policy in the remarks (<paramref name="current"/> if nothing better).</summary>
    public Endpoint? Choose(Endpoint? current, long now, in Ticks t)
    {
        if (candidates.Count == 0)
        {
            return current;
        }

        var active = current is null ? null : Find(current);
        if (current is null)
        {
            return Best(now, t, freshOnly: false, exclude: null)?.Endpoint;
        }

        if (IsAlive(active, ChosenAt, now, t.DeadAfter) || (active is null && now - ChosenAt < t.DeadAfter))
        {
            var better = BestUpgrade(active, now, t);
            return better?.Endpoint ?? current;
        }

        // Dead: the best candidate that proved itself lately, else stay and keep probing.
        return Best(now, t, freshOnly: true, exclude: active)?.Endpoint ?? current;
    }

    /// <summary>
    /// Without a session nothing can be probed, and the handshake goes to the endpoint in use: when that
    /// stays silent, the candidates take turns (best rank first, round robin) so one that works gets the handshake.
    /// </summary>
    public Endpoint? NextForHandshake(Endpoint current)
    {
        var ordered = candidates.OrderBy(c => c.Rank).ThenBy(c => c.AddedAt).ToList();
        var index = ordered.FindIndex(c => c.Endpoint.Equals(current));
        return ordered.Count == 0 ? null : ordered[(index + 1) % ordered.Count].Endpoint;
    }

    /// <summary>How long until <paramref name="candidate"/> should be pinged again.</summary>
    public static long ProbeInterval(PathCandidate candidate, PathCandidate? active, bool activeAlive, in Ticks t)
    {
        if (ReferenceEquals(candidate, active) || !activeAlive)
        {
            return t.Active;
        }

        var interval = active is null || candidate.Rank < active.Rank ? t.Upgrade : t.Background;
        return candidate.Unanswered >= 5 ? Math.Max(interval, t.Failing) : interval;
    }

    private PathCandidate? BestUpgrade(PathCandidate? active, long now, in Ticks t)
    {
        PathCandidate? best = null;
        foreach (var c in candidates)
        {
            if (ReferenceEquals(c, active) || c.ConsecutivePongs < t.UpgradePongs || now - c.LastPongAt > t.Upgrade + t.Active)
            {
                continue;
            }

            var improves = active is null || c.Rank < active.Rank
                || (c.Rank == active.Rank && c.RttMs is { } rtt && active.RttMs is { } current && rtt < (current * 0.7) - 2);
            if (improves && (best is null || Better(c, best)))
            {
                best = c;
            }
        }

        return best;
    }

    private PathCandidate? Best(long now, in Ticks t, bool freshOnly, PathCandidate? exclude)
    {
        PathCandidate? best = null;
        foreach (var c in candidates)
        {
            if (ReferenceEquals(c, exclude) || (freshOnly && now - c.LastProofAt > t.Fresh))
            {
                continue;
            }

            if (best is null || Better(c, best))
            {
                best = c;
            }
        }

        return best;
    }

    /// <summary>Rank (class, TCP before TLS) first; then proven before unproven; then lower RTT.</summary>
    private static bool Better(PathCandidate a, PathCandidate b)
    {
        if (a.Rank != b.Rank)
        {
            return a.Rank < b.Rank;
        }

        if ((a.LastProofAt > PathCandidate.Never) != (b.LastProofAt > PathCandidate.Never))
        {
            return a.LastProofAt > PathCandidate.Never;
        }

        return (a.RttMs ?? double.MaxValue) < (b.RttMs ?? double.MaxValue);
    }

    /// <summary><see cref="PathTimings"/> converted to timestamp units once.</summary>
    internal readonly record struct Ticks(long Active, long Upgrade, long Background, long Failing, long DeadAfter, long RoamSilence, long Fresh, long Forget, int UpgradePongs)
    {
        public static Ticks From(PathTimings timings, long frequency)
        {
            long T(TimeSpan span) => (long)(span.TotalSeconds * frequency);
            return new Ticks(T(timings.ActiveProbeInterval), T(timings.UpgradeProbeInterval), T(timings.BackgroundProbeInterval),
                             T(timings.FailingProbeInterval), T(timings.DeadAfter), T(timings.RoamAfterSilence), T(timings.FallbackFresh),
                             T(timings.ForgetAfter), timings.UpgradePongs);
        }
    }
}
