using System.Globalization;
using System.Net;
using Weft.Core.Identity;
using Weft.Core.Net;
using Weft.Core.Paths;
using Weft.Core.WireGuard;

namespace Weft.Core.Node;

/// <summary>
/// Paths: pings and pongs inside sessions (RTT, liveness, reflexive addresses), the candidates of
/// each member peer, choosing the endpoint its session uses, roaming, and mesh-level pings.
/// The policy is described in <see cref="PeerPaths"/>.
/// </summary>
/// <remarks>
/// Pings go to one candidate endpoint each (<see cref="WireGuardDevice.SendTo"/>), without moving the
/// session; the answer goes back to the endpoint the ping came from. Only verified members are
/// pinged and answered. Probe ids are random per node start, then counted up; unanswered probes are
/// forgotten after <see cref="ProbeLifetime"/>.
/// </remarks>
public sealed partial class MeshNode
{
    private static readonly TimeSpan ProbeLifetime = TimeSpan.FromSeconds(10);
    private const int MaxProbes = 8192;

    private readonly PeerPaths.Ticks pathTicks;

    // ---- guarded by gate ----
    private readonly Dictionary<ulong, PendingProbe> probes = [];
    private ulong nextProbeId;

    /// <summary>
    /// Sends mesh-level pings to <paramref name="target"/> (a peer name, node ID, or an overlay
    /// address it owns) inside the end-to-end session, and waits up to <paramref name="timeout"/>
    /// for the pong. Null when no answer came in time. An unknown target is an
    /// <see cref="ArgumentException"/> (its message says so, for the user).
    /// </summary>
    public async Task<MeshPingReply?> PingAsync(string target, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(target);
        MeshPeer? peer;
        ulong id;
        var waiter = new TaskCompletionSource<MeshPingReply?>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            peer = FindPeerLocked(target)
                ?? throw new ArgumentException($"No known member is called or has the address '{target}'.", nameof(target));
            id = NewProbeLocked(peer, peer.WireGuard.Endpoint, waiter);
        }

        Span<byte> message = stackalloc byte[PingMessage.Size];
        PingMessage.Write(message, id);
        NodeCounterSet.Add(ref counters.PingsSent);
        device.Send(peer.WireGuard, message);   // queued behind a handshake if there is no session yet
        try
        {
            return await waiter.Task.WaitAsync(timeout, time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            lock (gate)
            {
                probes.Remove(id);
            }

            return null;
        }
    }

    /// <summary>Our own endpoints as peers last saw them in their pongs (reflexive addresses; for NAT traversal).</summary>
    public IReadOnlyList<ObservedEndpoint> GetReflexiveEndpoints()
    {
        var seen = new List<ObservedEndpoint>();
        lock (gate)
        {
            foreach (var peer in peers)
            {
                if (peer.Paths.Reflexive is { } observed && !seen.Contains(observed))
                {
                    seen.Add(observed);
                }
            }
        }

        return seen;
    }

    /// <summary>
    /// Adds a way to reach member <paramref name="node"/> (e.g. a <see cref="RelayEndpoint"/> when
    /// the mesh has a route, or a discovered address); it is probed and used when it is the best.
    /// False if no session record exists for the node.
    /// </summary>
    internal bool AddPathCandidate(NodeId node, Endpoint endpoint, PathSource source)
    {
        lock (gate)
        {
            foreach (var peer in peers)
            {
                if (!peer.Removed && peer.NodeId.Equals(node))
                {
                    NotePathLocked(peer, endpoint, source);
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Removes a candidate added with <see cref="AddPathCandidate"/> (the route is gone); the session moves if it used it.</summary>
    internal bool RemovePathCandidate(NodeId node, Endpoint endpoint)
    {
        lock (gate)
        {
            foreach (var peer in peers)
            {
                if (!peer.Removed && peer.NodeId.Equals(node))
                {
                    return RemovePathLocked(peer, endpoint);
                }
            }
        }

        return false;
    }

    /// <summary>The smoothed RTT of the path the peer's session uses, if measured (link costs for routing).</summary>
    internal double? PathRttMsLocked(MeshPeer peer) =>
        peer.WireGuard.Endpoint is { } current ? peer.Paths.Find(current)?.RttMs : null;

    /// <summary>True if the peer's session uses a direct (non-relay) path that is alive: it is a neighbour.</summary>
    internal bool HasLiveDirectPathLocked(MeshPeer peer)
    {
        if (peer.WireGuard.Endpoint is not { Kind: not TransportKind.Relay } current)
        {
            return false;
        }

        return PeerPaths.IsAlive(peer.Paths.Find(current), peer.Paths.ChosenAt, time.GetTimestamp(), pathTicks.DeadAfter);
    }

    /// <summary>Describes a path for status and ping ("direct udp 1.2.3.4:51820", or the relay chain).</summary>
    private string DescribePath(Endpoint endpoint)
    {
        if (endpoint is RelayEndpoint relay)
        {
            string? text = null;
            DescribeRelayPath(relay, ref text);
            return text ?? "via relay to " + relay.Destination;
        }

        return "direct " + endpoint;
    }

    /// <summary>
    /// The relay chain toward <paramref name="to"/> as "via bravo -> charlie" (implemented by the mesh
    /// routing part, MeshNode.Mesh*.cs); left null, the path reads "via relay to &lt;node id&gt;".
    /// </summary>
    partial void DescribeRelayPath(RelayEndpoint to, ref string? description);

    bool IWireGuardEvents.OnNewSource(WireGuardPeer wireGuardPeer, Endpoint source)
    {
        if (wireGuardPeer.Tag is not MeshPeer peer || peer.Kind != MeshPeerKind.Member)
        {
            return true;   // plain WireGuard peers roam as WireGuard does
        }

        var now = time.GetTimestamp();
        var paths = peer.Paths;
        paths.ShouldNoteForeign(source, now, time.TimestampFrequency);
        var current = wireGuardPeer.Endpoint;
        if (current is null)
        {
            return true;
        }

        var silentFor = now - Math.Max(Volatile.Read(ref wireGuardPeer.LastEndpointReceiveAt), paths.ChosenAt);
        var threshold = PathClassifier.Classify(source, options.IsOnLink) <= PathClassifier.Classify(current, options.IsOnLink)
            ? pathTicks.RoamSilence
            : pathTicks.DeadAfter;
        if (silentFor <= threshold)
        {
            return false;
        }

        paths.ChosenAt = now;
        NodeCounterSet.Add(ref counters.PathSwitches);
        return true;
    }

    /// <summary>A ping from a verified member: answer to the endpoint it came from, telling it how we saw that endpoint.</summary>
    private void ReceivePing(MeshPeer peer, ReadOnlySpan<byte> message, Endpoint source)
    {
        if (!PingMessage.TryRead(message, out var id))
        {
            NodeCounterSet.Add(ref counters.ControlMessagesMalformed);
            Log.ControlMessageMalformed(logger, peer.Name, message[0], "truncated ping");
            return;
        }

        if (!peer.Verified || peer.Kind != MeshPeerKind.Member)
        {
            NodeCounterSet.Add(ref counters.PingsIgnored);
            return;
        }

        Span<byte> pong = stackalloc byte[PongMessage.MaximumSize];
        var length = PongMessage.Write(pong, id, source);
        if (device.SendTo(peer.WireGuard, pong[..length], source))
        {
            NodeCounterSet.Add(ref counters.PongsSent);
        }
    }

    /// <summary>A pong: credit the probed path (RTT, liveness), note our reflexive address, answer a waiting ping.</summary>
    private void ReceivePong(MeshPeer peer, ReadOnlySpan<byte> message, Endpoint source)
    {
        if (!PongMessage.TryRead(message, out var id, out var observed))
        {
            NodeCounterSet.Add(ref counters.ControlMessagesMalformed);
            Log.ControlMessageMalformed(logger, peer.Name, message[0], "truncated or invalid pong");
            return;
        }

        var now = time.GetTimestamp();
        PendingProbe? probe;
        double rttMs;
        lock (gate)
        {
            if (!probes.Remove(id, out probe) || !ReferenceEquals(probe.Peer, peer))
            {
                NodeCounterSet.Add(ref counters.PongsUnexpected);
                return;
            }

            rttMs = (now - probe.SentAt) * 1000.0 / time.TimestampFrequency;
            peer.Paths.Reflexive = observed;
            NoteNatObservationLocked(peer, probe.Endpoint, source, observed, now);

            // A path is proven only by an answer that came back over it.
            if (probe.Endpoint is { } probed && probed.Equals(source) && peer.Paths.Find(probed) is { } candidate)
            {
                candidate.RecordPong(now, rttMs);
            }
        }

        NodeCounterSet.Add(ref counters.PongsReceived);
        probe.Waiter?.TrySetResult(new MeshPingReply(peer.Name, DescribePath(source), Math.Round(rttMs, 3)));
        probe.Observer?.TrySetResult(observed);
    }

    /// <summary>Per tick: note learned sources, expire candidates and probes, choose each member's path, send due pings.</summary>
    private void TickPaths()
    {
        var now = time.GetTimestamp();
        List<(WireGuardPeer Peer, Endpoint Endpoint, ulong Id)>? pings = null;
        lock (gate)
        {
            ExpireProbesLocked(now);
            foreach (var peer in peers)
            {
                if (peer.Removed || peer.Kind != MeshPeerKind.Member || !peer.Verified)
                {
                    continue;
                }

                TickPeerPathsLocked(peer, now, ref pings);
            }
        }

        if (pings is null)
        {
            return;
        }

        Span<byte> message = stackalloc byte[PingMessage.Size];
        foreach (var (wireGuardPeer, endpoint, id) in pings)
        {
            PingMessage.Write(message, id);
            if (device.SendTo(wireGuardPeer, message, endpoint))
            {
                NodeCounterSet.Add(ref counters.PingsSent);
            }
        }
    }

    private void TickPeerPathsLocked(MeshPeer peer, long now, ref List<(WireGuardPeer, Endpoint, ulong)>? pings)
    {
        var wireGuard = peer.WireGuard;
        var paths = peer.Paths;
        if (paths.TakeForeign() is ({ } foreign, var heardAt))
        {
            var learned = paths.Note(foreign, PathSource.Roaming, now, options.IsOnLink);
            learned.LastHeardAt = Math.Max(learned.LastHeardAt, heardAt);
            if (peer.Nat is { Phase: Nat.NatAttemptPhase.Probing } && learned.Class < PathClass.Stream && learned.BurstStartedAt == PathCandidate.Never)
            {
                learned.StartBurst(now);   // a ping from a new source during an attempt: burst it too
            }
        }

        var current = wireGuard.Endpoint;
        if (current is not null)
        {
            var active = paths.Note(current, PathSource.None, now, options.IsOnLink);
            var heard = Volatile.Read(ref wireGuard.LastEndpointReceiveAt);
            if (heard >= paths.ChosenAt && heard > active.LastHeardAt)
            {
                active.LastHeardAt = heard;
            }

            if (paths.ChosenAt == PathCandidate.Never)
            {
                paths.ChosenAt = now;
            }
        }

        paths.Expire(current, now, pathTicks.Forget);
        if (!wireGuard.HasSession)
        {
            // Probes need a session; the handshake goes to the endpoint in use, so a silent one is rotated.
            if (current is not null && paths.Candidates.Count > 1
                && now - Math.Max(paths.Find(current)?.LastProofAt ?? PathCandidate.Never, paths.ChosenAt) > 2 * pathTicks.DeadAfter
                && paths.NextForHandshake(current) is { } next && !next.Equals(current))
            {
                PathLog.PathChosen(logger, peer.Name, next, current.ToString());
                wireGuard.Endpoint = next;
                paths.ChosenAt = now;
                NodeCounterSet.Add(ref counters.PathSwitches);
            }

            return;
        }

        var chosen = paths.Choose(current, now, pathTicks);
        if (chosen is not null && !chosen.Equals(current))
        {
            PathLog.PathChosen(logger, peer.Name, chosen, current?.ToString() ?? "none");
            wireGuard.Endpoint = chosen;
            paths.ChosenAt = now;
            NodeCounterSet.Add(ref counters.PathSwitches);
            current = chosen;
        }

        var inUse = current is null ? null : paths.Find(current);
        var alive = PeerPaths.IsAlive(inUse, paths.ChosenAt, now, pathTicks.DeadAfter);
        foreach (var candidate in paths.Candidates)
        {
            if (candidate.BurstStartedAt != PathCandidate.Never)
            {
                if (BurstPingDueLocked(candidate, now))
                {
                    candidate.Unanswered++;
                    candidate.LastPingAt = now;
                    (pings ??= []).Add((wireGuard, candidate.Endpoint, NewProbeLocked(peer, candidate.Endpoint, waiter: null)));
                }

                continue;
            }

            if (candidate.IsUnprovenCallMeMaybe || now - candidate.LastPingAt < PeerPaths.ProbeInterval(candidate, inUse, alive, pathTicks))
            {
                continue;
            }

            if (candidate.Unanswered >= 2)
            {
                candidate.ConsecutivePongs = 0;
            }

            candidate.Unanswered++;
            candidate.LastPingAt = now;
            var id = NewProbeLocked(peer, candidate.Endpoint, waiter: null);
            (pings ??= []).Add((wireGuard, candidate.Endpoint, id));
        }
    }

    /// <summary>Adds a candidate for <paramref name="peer"/> (a member); a new, better one is probed at the next tick.</summary>
    private void NotePathLocked(MeshPeer peer, Endpoint endpoint, PathSource source)
    {
        if (peer.Kind == MeshPeerKind.Member)
        {
            peer.Paths.Note(endpoint, source, time.GetTimestamp(), options.IsOnLink);
        }
    }

    /// <summary>Forgets a candidate; if the session used it, it moves to the next best one now.</summary>
    private bool RemovePathLocked(MeshPeer peer, Endpoint endpoint)
    {
        var removed = peer.Paths.Remove(endpoint);
        if (peer.WireGuard.Endpoint is { } current && current.Equals(endpoint))
        {
            var now = time.GetTimestamp();
            var next = peer.Paths.Choose(null, now, pathTicks);
            peer.WireGuard.Endpoint = next;
            peer.Paths.ChosenAt = now;
            NodeCounterSet.Add(ref counters.PathSwitches);
            PathLog.PathChosen(logger, peer.Name, next?.ToString() ?? "none", endpoint.ToString());
        }

        return removed;
    }

    private ulong NewProbeLocked(MeshPeer peer, Endpoint? endpoint, TaskCompletionSource<MeshPingReply?>? waiter,
                                 TaskCompletionSource<ObservedEndpoint?>? observer = null)
    {
        if (nextProbeId == 0)
        {
            Span<byte> seed = stackalloc byte[8];
            random.Fill(seed);
            nextProbeId = BitConverter.ToUInt64(seed) | 1;
        }

        if (probes.Count >= MaxProbes)
        {
            ExpireProbesLocked(long.MaxValue / 2);
        }

        var id = nextProbeId++;
        probes[id] = new PendingProbe(peer, endpoint, time.GetTimestamp(), waiter, observer);
        return id;
    }

    private void ExpireProbesLocked(long now)
    {
        var lifetime = ToTimestamp(ProbeLifetime);
        List<ulong>? old = null;
        foreach (var (id, probe) in probes)
        {
            if (now - probe.SentAt > lifetime && probe.Waiter is null && probe.Observer is null)
            {
                (old ??= []).Add(id);
            }
        }

        if (old is not null)
        {
            foreach (var id in old)
            {
                probes.Remove(id);
            }
        }
    }

    /// <summary>A member by name, node ID or an overlay address it owns.</summary>
    private MeshPeer? FindPeerLocked(string target)
    {
        foreach (var peer in peers)
        {
            if (!peer.Removed && (string.Equals(peer.Name, target, StringComparison.OrdinalIgnoreCase)
                                  || string.Equals(peer.NodeId.ToString(), target, StringComparison.OrdinalIgnoreCase)))
            {
                return peer;
            }
        }

        if (IPAddress.TryParse(target, out var address))
        {
            if (address.IsIPv4MappedToIPv6)
            {
                address = address.MapToIPv4();
            }

            Span<byte> bytes = stackalloc byte[16];
            address.TryWriteBytes(bytes, out var written);
            var isIpv6 = written == 16;
            var value = isIpv6 ? System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes) : System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes);
            return routes.Find(isIpv6, value);
        }

        return null;
    }

    /// <summary>The path and RTT of a peer for its status line.</summary>
    private (string? Path, double? RttMs) PathStatusLocked(MeshPeer peer)
    {
        if (peer.WireGuard.Endpoint is not { } current)
        {
            return (null, null);
        }

        var rtt = peer.Paths.Find(current)?.RttMs;
        return (DescribePath(current), rtt is { } value ? Math.Round(value, 3) : null);
    }

    /// <summary>A ping in flight: whom, over which endpoint (null: the session's), when, and who waits for it (a mesh ping or netcheck).</summary>
    private sealed record PendingProbe(MeshPeer Peer, Endpoint? Endpoint, long SentAt, TaskCompletionSource<MeshPingReply?>? Waiter,
                                       TaskCompletionSource<ObservedEndpoint?>? Observer = null);
}
