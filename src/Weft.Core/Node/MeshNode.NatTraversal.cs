using System.Net;
using System.Net.Sockets;
using Weft.Core.Mesh;
using Weft.Core.Nat;
using Weft.Core.Net;
using Weft.Core.Paths;

namespace Weft.Core.Node;

/// <summary>
/// NAT traversal: members whose session goes through a relay exchange endpoint candidates inside it (call me maybe,
/// <see cref="CallMeMaybeMessage"/>), prime their own routers, sweep a hard NAT when needed, and probe each other's
/// candidates with the ordinary pings until the path policy moves the session off the relay.
/// </summary>
/// <remarks>
/// <code>
///  initiator I (lower node ID, or higher after 5 s relayed without a Request)      responder R
///   Request(attempt, I's flags, I's candidates) ─────────── relay ──────────────►  store, prime I's UDP candidates (TTL 2)
///                                                                                  sweep I's IPv4 if R sweeps (timer, ≤ 3.3 s)
///   store, prime R's candidates, sweep if I sweeps  ◄──────── relay ─────────────  Reply(attempt, R's flags, R's candidates)
///   Go(attempt) ──────────────────────────────────────────── relay ──────────────►
///   probe bursts (pings at 0, .1, .2, .4, .8, 1.6, 3.2 s) ◄═══════ direct ═══════►  probe bursts
///   2 pongs in a row on a direct candidate: the session's endpoint moves (PeerPaths); success
///   still relayed 5 s after probing began: failure, next attempt after 5, 10, 20, 40, then every 60 s
/// </code>
/// Who sweeps: the side whose own mapping is not endpoint-dependent and that holds no port mapping, when the peer's
/// flags say endpoint-dependent (and the peer holds no port mapping); only public IPv4 reflexive addresses are swept, and
/// at most one sweep toward a peer every <see cref="MinSweepInterval"/> (a member could otherwise aim a sweep at a
/// third party with every Request). Crossing Requests: the lower node ID's wins.
/// Only verified members take part, only inside the end-to-end session; a Request is answered at most once a second.
/// The passive mapping estimate comes from the pongs of our ordinary path probes over public UDP paths (one
/// observation per member, the latest), by <see cref="NatMappingRule"/>.
/// Threads: the tick drives attempts; Requests, Replies and Gos arrive on the receive thread; sweeps run on their
/// own timer. All state is in <see cref="NatTraversalState"/> under the gate; sends happen after it is released.
/// </remarks>
public sealed partial class MeshNode
{
    private static readonly TimeSpan HigherSideWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ProbeWindow = TimeSpan.FromSeconds(5);
    // A sweep is 3.3 s nominal, but sending 64,512 datagrams through a NAT's conntrack took 5–9.5 s on a loaded 2-core
    // machine in the NAT lab; the responder sweeps before it replies, so the Reply may come that much later.
    private static readonly TimeSpan SweepTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan ReplyTimeout = SweepTimeout + TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RequestAnswerInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ObservationLifetime = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan MinSweepInterval = TimeSpan.FromSeconds(10);   // a member cannot make us sweep (someone) on every Request
    private const int PrimerTtl = 2;
    private const int MaxOfferedReflexive = 4;

    // ---- guarded by gate ----
    private IPEndPoint? mappedEndpoint;
    private bool reflexiveChanged;
    private List<IPEndPoint> knownReflexive = [];

    /// <summary>The port mapping the daemon holds on the router (NAT-PMP/PCP/UPnP), offered as a "mapped" candidate; null when none.</summary>
    public void SetMappedEndpoint(IPEndPoint? external)
    {
        int restarted;
        lock (gate)
        {
            if (Equals(mappedEndpoint, external))
            {
                return;
            }

            mappedEndpoint = external;
            restarted = external is null ? 0 : ResetNatAttemptsLocked(abortRunning: false);
        }

        if (restarted > 0)
        {
            NatLog.Restarted(logger, restarted, "new port mapping " + external);
        }
    }

    /// <summary>Local addresses or routes changed: restart NAT traversal attempts now (backoff reset).</summary>
    public void NotifyNetworkChanged()
    {
        int restarted;
        lock (gate)
        {
            reflexiveChanged = true;
            restarted = ResetNatAttemptsLocked(abortRunning: true);
        }

        if (restarted > 0)
        {
            NatLog.Restarted(logger, restarted, "the network changed");
        }
    }

    /// <summary>Our candidates for call me maybe: the mapped endpoint, reflexive endpoints, local addresses with our port (≤ 16).</summary>
    private List<NatCandidate> OwnCandidatesLocked(List<ReflexiveObservation> observations)
    {
        var list = new List<NatCandidate>();
        void Add(NatCandidateSource source, IPEndPoint endpoint)
        {
            if (list.Count < CallMeMaybeMessage.MaxCandidates && NatCandidate.IsUsable(endpoint) && !list.Exists(c => c.Endpoint.Equals(endpoint)))
            {
                list.Add(new NatCandidate(source, endpoint));
            }
        }

        if (mappedEndpoint is { } mapped)
        {
            Add(NatCandidateSource.Mapped, mapped);
        }

        var reflexive = 0;
        foreach (var observation in observations)
        {
            if (reflexive < MaxOfferedReflexive && !list.Exists(c => c.Endpoint.Equals(observation.Observed)))
            {
                Add(NatCandidateSource.Reflexive, observation.Observed);
                reflexive++;
            }
        }

        if (options.LocalAddresses?.Invoke() is { } local)
        {
            foreach (var address in local)
            {
                Add(NatCandidateSource.Local, new IPEndPoint(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address, options.ListenPort));
            }
        }

        return list;
    }

    /// <summary>Builds a call-me-maybe message with our flags and candidates.</summary>
    private byte[] CallMeMaybeLocked(CallMeMaybeType type, uint attempt, NatMapping mapping, List<NatCandidate> candidates) =>
        new CallMeMaybeMessage(type, attempt, mapping, mappedEndpoint is not null, candidates).Encode();

    /// <summary>Our mapping estimate and candidates right now.</summary>
    private (NatMapping Mapping, List<NatCandidate> Candidates) OwnNatViewLocked(long now)
    {
        var observations = NatObservationsLocked(now);
        var mapping = NatMappingRule.Estimate(observations, options.LocalAddresses?.Invoke(), options.ListenPort, out _);
        return (mapping, OwnCandidatesLocked(observations));
    }

    /// <summary>True if we sweep: we map endpoint-independently (or unknown), hold no port mapping, and the peer maps endpoint-dependently without one.</summary>
    internal static bool ShouldSweep(NatMapping own, bool ownPortMapping, NatMapping peer, bool peerPortMapping) =>
        own != NatMapping.EndpointDependent && !ownPortMapping && peer == NatMapping.EndpointDependent && !peerPortMapping;

    /// <summary>The peer's reflexive IPv4 addresses to sweep (distinct, at most two).</summary>
    private static List<IPAddress> SweepTargets(IReadOnlyList<NatCandidate> candidates)
    {
        var targets = new List<IPAddress>();
        foreach (var candidate in candidates)
        {
            var address = candidate.Endpoint.Address;
            if (candidate.Source == NatCandidateSource.Reflexive && address.AddressFamily == AddressFamily.InterNetwork
                && !PathClassifier.IsLanAddress(address) && !targets.Contains(address) && targets.Count < NatSweep.MaxAddresses)
            {
                targets.Add(address);
            }
        }

        return targets;
    }

    /// <summary>Per tick: reflexive changes reset attempts; each relayed member's attempt is started, timed out, or found successful.</summary>
    private void TickNatTraversal()
    {
        TickNetchecks();
        if (!options.NatTraversal)
        {
            return;
        }

        var now = time.GetTimestamp();
        List<(MeshPeer Peer, byte[] Message)>? sends = null;
        var restarted = 0;
        List<(string Name, uint Attempt, string Path)>? succeeded = null;
        List<(string Name, uint Attempt, string Reason, TimeSpan Delay, bool First)>? failed = null;
        List<(string Name, uint Attempt, NatMapping Mapping, int Count)>? started = null;
        lock (gate)
        {
            if (reflexiveChanged)
            {
                reflexiveChanged = false;
                var current = NatObservationsLocked(now).Select(o => o.Observed).Distinct().ToList();
                if (current.Count > 0 && !(current.Count == knownReflexive.Count && current.TrueForAll(knownReflexive.Contains)))
                {
                    knownReflexive = current;
                    restarted = ResetNatAttemptsLocked(abortRunning: false);
                }
            }

            foreach (var peer in peers)
            {
                if (peer.Removed || peer.Kind != MeshPeerKind.Member || !peer.Verified)
                {
                    continue;
                }

                var state = peer.Nat;
                if (peer.WireGuard.Endpoint is not RelayEndpoint)
                {
                    if (state is null)
                    {
                        continue;
                    }

                    if (state.Active && peer.WireGuard.Endpoint is { } direct)
                    {
                        NodeCounterSet.Add(ref counters.HolePunchSuccesses);
                        (succeeded ??= []).Add((peer.Name, state.AttemptId, DescribePath(direct)));
                        state.EndAttempt();
                    }

                    state.Failures = 0;
                    state.WasDirect = peer.WireGuard.Endpoint is not null;
                    state.RelayedSince = NatTraversalState.Never;
                    continue;
                }

                if (!peer.WireGuard.HasSession)
                {
                    continue;
                }

                state ??= peer.Nat = new NatTraversalState();
                if (state.RelayedSince == NatTraversalState.Never)
                {
                    state.RelayedSince = now;
                    if (state.WasDirect)
                    {
                        state.WasDirect = false;
                        state.Reset(abortRunning: true);   // fell back to the relay after having been direct
                    }
                }

                TickAttemptLocked(peer, state, now, ref sends, ref failed, ref started);
            }
        }

        if (restarted > 0)
        {
            NatLog.RestartedReflexive(logger, restarted);   // debug: behind a symmetric NAT every new public peer changes them
        }

        foreach (var (name, attempt, path) in succeeded ?? [])
        {
            NatLog.Succeeded(logger, name, attempt, path);
        }

        foreach (var (name, attempt, reason, delay, first) in failed ?? [])
        {
            if (first)
            {
                NatLog.Failed(logger, name, attempt, reason, delay);
            }
            else
            {
                NatLog.FailedAgain(logger, name, attempt, reason, delay);
            }
        }

        foreach (var (name, attempt, mapping, count) in started ?? [])
        {
            NatLog.Started(logger, name, attempt, "initiator", mapping, count);
        }

        foreach (var (peer, message) in sends ?? [])
        {
            SendCallMeMaybe(peer, message);
        }
    }

    private void TickAttemptLocked(MeshPeer peer, NatTraversalState state, long now, ref List<(MeshPeer, byte[])>? sends,
                                   ref List<(string, uint, string, TimeSpan, bool)>? failed, ref List<(string, uint, NatMapping, int)>? started)
    {
        string? failure = null;
        switch (state.Phase)
        {
            case NatAttemptPhase.Idle:
                var lower = NodeIdOrder.Instance.Compare(keys.NodeId, peer.NodeId) < 0;
                var mayInitiate = lower || state.ResetPending
                    || (now - state.RelayedSince >= ToTimestamp(HigherSideWait) && now - state.LastRequestAt >= ToTimestamp(HigherSideSilence(state.Failures)));
                if (now >= state.NextAttemptAt && mayInitiate)
                {
                    var (mapping, candidates) = OwnNatViewLocked(now);
                    state.EndAttempt();
                    state.Phase = NatAttemptPhase.Requested;
                    state.Initiator = true;
                    state.AttemptId = NewAttemptId();
                    state.PhaseStartedAt = now;
                    NodeCounterSet.Add(ref counters.HolePunchAttempts);
                    (sends ??= []).Add((peer, CallMeMaybeLocked(CallMeMaybeType.Request, state.AttemptId, mapping, candidates)));
                    (started ??= []).Add((peer.Name, state.AttemptId, mapping, candidates.Count));
                }

                return;
            case NatAttemptPhase.Requested when now - state.PhaseStartedAt > ToTimestamp(ReplyTimeout):
                failure = "no reply";
                break;
            case NatAttemptPhase.AwaitingGo when now - state.PhaseStartedAt > ToTimestamp(ReplyTimeout + SweepTimeout):
                failure = "no go";
                break;
            case NatAttemptPhase.Sweeping when now - state.PhaseStartedAt > ToTimestamp(SweepTimeout):
                failure = "sweep did not finish";
                break;
            case NatAttemptPhase.Probing when now - state.ProbesStartedAt >= ToTimestamp(ProbeWindow):
                failure = "no direct path answered the probes";
                break;
        }

        if (failure is not null)
        {
            var attempt = state.AttemptId;
            var first = state.Failures == 0;
            var delay = state.Fail(now, time.TimestampFrequency);
            (failed ??= []).Add((peer.Name, attempt, failure, delay, first));
        }
    }

    /// <summary>
    /// How long the higher node ID waits without a Request before it initiates itself: 5 s at first; after failures,
    /// twice the lower side's cycle (probe window and backoff), so it steps in only when the lower side has gone quiet
    /// (its NAT traversal off, say) rather than crossing its Requests on every retry.
    /// </summary>
    internal static TimeSpan HigherSideSilence(int failures) =>
        failures == 0 ? HigherSideWait : 2 * (ProbeWindow + NatBackoff.After(failures));

    /// <summary>A call-me-maybe message inside the session with <paramref name="peer"/>.</summary>
    private void ReceiveCallMeMaybe(MeshPeer peer, ReadOnlySpan<byte> message)
    {
        if (!CallMeMaybeMessage.TryRead(message, out var received, out var dropped, out var error) || received is null)
        {
            NodeCounterSet.Add(ref counters.ControlMessagesMalformed);
            Log.ControlMessageMalformed(logger, peer.Name, message[0], "call me maybe: " + error);
            return;
        }

        if (peer.Kind != MeshPeerKind.Member || !peer.Verified)
        {
            NodeCounterSet.Add(ref counters.ControlMessagesMalformed);
            NatLog.Ignored(logger, peer.Name, "not a verified member");
            return;
        }

        if (!options.NatTraversal)
        {
            NatLog.Ignored(logger, peer.Name, "NAT traversal is off");
            return;
        }

        NodeCounterSet.Add(ref counters.CallMeMaybeReceived);
        if (dropped > 0)
        {
            Interlocked.Add(ref counters.CallMeMaybeCandidatesDropped, dropped);
        }

        var now = time.GetTimestamp();
        byte[]? answer = null;
        List<IPEndPoint>? primers = null;
        NatSweep? sweep = null;
        string? ignored = null;
        var startedAsResponder = false;
        var sweepTargets = "";
        lock (gate)
        {
            if (peer.Removed || peer.WireGuard.Endpoint is not RelayEndpoint)
            {
                ignored = "the session is not relayed";
            }
            else
            {
                var state = peer.Nat ??= new NatTraversalState { RelayedSince = now };
                switch (received.Type)
                {
                    case CallMeMaybeType.Request:
                        ignored = AcceptRequestLocked(peer, state, received, now, out answer, out primers, out sweep);
                        startedAsResponder = ignored is null;
                        break;
                    case CallMeMaybeType.Reply when state is { Phase: NatAttemptPhase.Requested, Initiator: true } && state.AttemptId == received.AttemptId:
                        AcceptPeerCandidatesLocked(peer, state, received, now);
                        primers = UdpCandidates(received.Candidates);
                        var (mapping, _) = OwnNatViewLocked(now);
                        answer = CallMeMaybeLocked(CallMeMaybeType.Go, state.AttemptId, mapping, []);
                        sweep = PrepareSweepLocked(peer, state, mapping, now);
                        if (sweep is null)
                        {
                            StartProbingLocked(peer, state, now);
                        }

                        break;
                    case CallMeMaybeType.Go when state is { Phase: NatAttemptPhase.AwaitingGo, Initiator: false } && state.AttemptId == received.AttemptId:
                        StartProbingLocked(peer, state, now);
                        break;
                    case CallMeMaybeType.Swept:
                        break;
                    default:
                        ignored = $"{received.Type} for attempt {received.AttemptId:x8} does not match the attempt in progress";
                        break;
                }

                if (sweep is not null)
                {
                    state.Sweep = sweep;
                    sweepTargets = string.Join(", ", SweepTargets(state.PeerCandidates));
                }
            }
        }

        if (ignored is not null)
        {
            NatLog.Ignored(logger, peer.Name, ignored);
            return;
        }

        if (startedAsResponder)
        {
            NatLog.Started(logger, peer.Name, received.AttemptId, "responder", received.Mapping, received.Candidates.Count);
        }

        SendPrimers(primers);
        if (sweep is not null)
        {
            // The Reply (responder) or Go (initiator) waits for the end of the sweep.
            NatLog.Sweeping(logger, peer.Name, sweep.Total, sweepTargets);
            sweep.Start();
            return;
        }

        if (answer is not null)
        {
            SendCallMeMaybe(peer, answer);
        }
    }

    /// <summary>The responder's side of a Request; null when accepted, else why it was ignored.</summary>
    private string? AcceptRequestLocked(MeshPeer peer, NatTraversalState state, CallMeMaybeMessage request, long now,
                                        out byte[]? answer, out List<IPEndPoint>? primers, out NatSweep? sweep)
    {
        answer = null;
        primers = null;
        sweep = null;
        state.LastRequestAt = now;
        if (state.Active && !state.Initiator && state.AttemptId == request.AttemptId)
        {
            return "duplicate request";
        }

        if (now - state.LastAnsweredAt < ToTimestamp(RequestAnswerInterval))
        {
            return "requests come too fast (one a second is answered)";
        }

        if (state.Phase == NatAttemptPhase.Requested && state.Initiator && NodeIdOrder.Instance.Compare(keys.NodeId, peer.NodeId) < 0)
        {
            return "crossing request: ours wins (lower node ID)";
        }

        state.EndAttempt();
        state.Initiator = false;
        state.AttemptId = request.AttemptId;
        state.LastAnsweredAt = now;
        NodeCounterSet.Add(ref counters.HolePunchAttempts);
        AcceptPeerCandidatesLocked(peer, state, request, now);
        primers = UdpCandidates(request.Candidates);
        var (mapping, candidates) = OwnNatViewLocked(now);
        answer = CallMeMaybeLocked(CallMeMaybeType.Reply, state.AttemptId, mapping, candidates);
        sweep = PrepareSweepLocked(peer, state, mapping, now);
        if (sweep is null)
        {
            state.Phase = NatAttemptPhase.AwaitingGo;
            state.PhaseStartedAt = now;
        }

        return null;
    }

    /// <summary>Stores the peer's flags and candidates and makes the candidates path candidates (probed only in bursts until proven).</summary>
    private void AcceptPeerCandidatesLocked(MeshPeer peer, NatTraversalState state, CallMeMaybeMessage message, long now)
    {
        state.PeerMapping = message.Mapping;
        state.PeerHasPortMapping = message.HasPortMapping;
        state.PeerCandidates = message.Candidates;
        foreach (var candidate in message.Candidates)
        {
            peer.Paths.Note(UdpEndpoint.Of(candidate.Endpoint), PathSource.CallMeMaybe, now, options.IsOnLink);
        }
    }

    /// <summary>
    /// If we are the sweeper, the sweep (not started yet) whose end sends <paramref name="state"/>'s answer
    /// (Reply as responder, Go and probing as initiator); the phase becomes Sweeping. Null when we do not sweep.
    /// </summary>
    private NatSweep? PrepareSweepLocked(MeshPeer peer, NatTraversalState state, NatMapping ownMapping, long now)
    {
        if (!ShouldSweep(ownMapping, mappedEndpoint is not null, state.PeerMapping, state.PeerHasPortMapping))
        {
            return null;
        }

        var targets = SweepTargets(state.PeerCandidates);
        if (targets.Count == 0 || now - state.LastSweepAt < ToTimestamp(MinSweepInterval))
        {
            return null;
        }

        state.LastSweepAt = now;

        Span<byte> token = stackalloc byte[NatProbe.TokenSize];
        random.Fill(token);
        var attempt = state.AttemptId;
        var initiator = state.Initiator;
        state.Phase = NatAttemptPhase.Sweeping;
        state.PhaseStartedAt = now;
        return new NatSweep(datagrams, time, targets, token,
                            sent => Interlocked.Add(ref counters.NatSweepPackets, sent),
                            done => OnSweepDone(peer, attempt, initiator, done));
    }

    /// <summary>The sweep ended (timer thread): send the Reply, or the Go and start probing.</summary>
    private void OnSweepDone(MeshPeer peer, uint attempt, bool initiator, NatSweep sweep)
    {
        byte[] answer;
        lock (gate)
        {
            var state = peer.Nat;
            if (peer.Removed || disposed || state is null || !ReferenceEquals(state.Sweep, sweep) || state.AttemptId != attempt
                || state.Phase != NatAttemptPhase.Sweeping)
            {
                return;
            }

            state.Sweep = null;
            var now = time.GetTimestamp();
            var (mapping, candidates) = OwnNatViewLocked(now);
            if (initiator)
            {
                answer = CallMeMaybeLocked(CallMeMaybeType.Go, attempt, mapping, []);
                StartProbingLocked(peer, state, now);
            }
            else
            {
                answer = CallMeMaybeLocked(CallMeMaybeType.Reply, attempt, mapping, candidates);
                state.Phase = NatAttemptPhase.AwaitingGo;
                state.PhaseStartedAt = now;
            }
        }

        SendCallMeMaybe(peer, answer);
    }

    /// <summary>Probing begins: every candidate the peer offered gets a burst of pings (sent by the path tick).</summary>
    private void StartProbingLocked(MeshPeer peer, NatTraversalState state, long now)
    {
        state.Phase = NatAttemptPhase.Probing;
        state.PhaseStartedAt = now;
        state.ProbesStartedAt = now;
        foreach (var candidate in state.PeerCandidates)
        {
            peer.Paths.Note(UdpEndpoint.Of(candidate.Endpoint), PathSource.CallMeMaybe, now, options.IsOnLink).StartBurst(now);
        }
    }

    /// <summary>True if the next ping of <paramref name="candidate"/>'s burst is due now (steps already due are sent as one).</summary>
    private bool BurstPingDueLocked(PathCandidate candidate, long now)
    {
        if (candidate.BurstStep >= ProbeBurst.Length)
        {
            candidate.BurstStartedAt = PathCandidate.Never;
            return false;
        }

        var elapsed = now - candidate.BurstStartedAt;
        if (elapsed < ToTimestamp(ProbeBurst.Offset(candidate.BurstStep)))
        {
            return false;
        }

        while (candidate.BurstStep < ProbeBurst.Length && elapsed >= ToTimestamp(ProbeBurst.Offset(candidate.BurstStep)))
        {
            candidate.BurstStep++;
        }

        return true;
    }

    /// <summary>Every relayed peer's attempt is due now, backoff cleared; returns how many relayed peers there are.</summary>
    private int ResetNatAttemptsLocked(bool abortRunning)
    {
        var count = 0;
        foreach (var peer in peers)
        {
            if (peer.Nat is { } state && !peer.Removed)
            {
                state.Reset(abortRunning);
                count += state.RelayedSince != NatTraversalState.Never ? 1 : 0;
            }
        }

        return count;
    }

    private void SendCallMeMaybe(MeshPeer peer, byte[] message)
    {
        NodeCounterSet.Add(ref counters.CallMeMaybeSent);
        device.Send(peer.WireGuard, message);
    }

    /// <summary>One primer (a NAT probe with TTL 2) to each endpoint: opens our router toward it without reaching the far one.</summary>
    private void SendPrimers(List<IPEndPoint>? targets)
    {
        if (targets is null || targets.Count == 0)
        {
            return;
        }

        Span<byte> token = stackalloc byte[NatProbe.TokenSize];
        random.Fill(token);
        Span<byte> primer = stackalloc byte[NatProbe.Size];
        NatProbe.Write(primer, token);
        foreach (var target in targets)
        {
            datagrams.SendWithTtl(primer, target, PrimerTtl);
            NodeCounterSet.Add(ref counters.NatPrimersSent);
        }
    }

    /// <summary>A public UDP endpoint: not loopback, link-local or private (RFC 1918 / ULA), whether on our link or not.</summary>
    private static bool IsPublic(UdpEndpoint endpoint) => !PathClassifier.IsLanAddress(endpoint.Address.Address);

    private static List<IPEndPoint> UdpCandidates(IReadOnlyList<NatCandidate> candidates) => candidates.Select(c => c.Endpoint).ToList();

    internal static bool IsOwnEndpoint(IPEndPoint endpoint, IReadOnlyList<IPAddress>? local) =>
        local is not null && local.Any(a => (a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a).Equals(endpoint.Address));

    private uint NewAttemptId()
    {
        Span<byte> bytes = stackalloc byte[4];
        random.Fill(bytes);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes) | 1;
    }

    /// <summary>The NAT traversal field of the peer's status line.</summary>
    private string? NatStatusLocked(MeshPeer peer) =>
        options.NatTraversal && peer.WireGuard.Endpoint is RelayEndpoint && peer.Nat is { } state
            ? state.Describe(time.GetTimestamp(), time.TimestampFrequency)
            : null;

    /// <summary>Stops running sweeps (node disposal).</summary>
    private void StopNatTraversal()
    {
        lock (gate)
        {
            foreach (var peer in peers)
            {
                peer.Nat?.EndAttempt();
            }

            foreach (var run in netchecks)
            {
                run.Report.TrySetException(new ObjectDisposedException(nameof(MeshNode)));
            }

            netchecks.Clear();
        }
    }
}
