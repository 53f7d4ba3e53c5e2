using System.Net;
using System.Net.Sockets;
using Weft.Core.Nat;
using Weft.Core.Net;
using Weft.Core.Paths;

namespace Weft.Core.Node;

/// <summary>
/// <c>weft netcheck</c> in the core: active pings to every member with a public UDP endpoint, our reflexive endpoints
/// and NAT mapping behaviour from their pongs (<see cref="NatMappingRule"/>), the hairpin probe, and the passive
/// observations the call-me-maybe attempts (MeshNode.NatTraversal.cs) use for their NAT flags.
/// </summary>
public sealed partial class MeshNode
{
    private static readonly TimeSpan HairpinWait = TimeSpan.FromSeconds(1);

    // ---- guarded by gate ----
    private readonly List<NetcheckRun> netchecks = [];

    // ---- hairpin tests of netcheck: guarded by hairpinGate; hairpinCount read lock-free by the receive path ----
    private readonly Lock hairpinGate = new();
    private readonly List<NetcheckRun> hairpinTests = [];
    private volatile int hairpinCount;

    /// <summary>
    /// Actively asks every verified member reachable over direct public UDP (non-LAN-class address) with pings on each
    /// such candidate, waits up to <paramref name="timeout"/> for the pongs, probes hairpinning, and reports.
    /// </summary>
    /// <remarks>
    /// The pings go out now; the tick then waits for the pongs (at most half the timeout), sends the hairpin probe to each
    /// reflexive endpoint and waits for it until the timeout (at least <see cref="HairpinWait"/>). Nothing runs on the
    /// caller's continuation, so this works on a virtual clock too.
    /// </remarks>
    public Task<NatReport> RunNetcheckAsync(TimeSpan timeout)
    {
        var now = time.GetTimestamp();
        var run = new NetcheckRun(now + ToTimestamp(timeout / 2), now + ToTimestamp(timeout));
        var pings = new List<(MeshPeer Peer, UdpEndpoint Endpoint, ulong Id)>();
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            foreach (var peer in peers)
            {
                if (peer.Removed || peer.Kind != MeshPeerKind.Member || !peer.Verified || !peer.WireGuard.HasSession)
                {
                    continue;
                }

                foreach (var candidate in peer.Paths.Candidates)
                {
                    if (candidate.Endpoint is UdpEndpoint udp && IsPublic(udp))
                    {
                        var pong = new TaskCompletionSource<ObservedEndpoint?>(TaskCreationOptions.RunContinuationsAsynchronously);
                        var id = NewProbeLocked(peer, udp, waiter: null, pong);
                        run.Asked.Add((peer.Name, udp.Address, id, pong));
                        pings.Add((peer, udp, id));
                    }
                }
            }

            // Static peers with a public address that never became a session with pings count as asked and silent.
            foreach (var known in staticPeers)
            {
                if (known.Peer is not { Verified: true } peer || !peer.WireGuard.HasSession)
                {
                    run.Unreachable += PathClassifier.IsLanAddress(known.Endpoint.Address, options.IsOnLink) ? 0 : 1;
                }
            }

            netchecks.Add(run);
        }

        Span<byte> message = stackalloc byte[PingMessage.Size];
        foreach (var (peer, endpoint, id) in pings)
        {
            PingMessage.Write(message, id);
            if (device.SendTo(peer.WireGuard, message, endpoint))
            {
                NodeCounterSet.Add(ref counters.PingsSent);
            }
        }

        return run.Report.Task;
    }

    /// <summary>Per tick: moves each netcheck from pongs to the hairpin probe to its report.</summary>
    private void TickNetchecks()
    {
        List<(IPEndPoint Target, byte[] Probe)>? sends = null;
        List<(NetcheckRun Run, NatReport Report)>? done = null;
        lock (gate)
        {
            if (netchecks.Count == 0)
            {
                return;
            }

            var now = time.GetTimestamp();
            foreach (var run in netchecks)
            {
                if (run.Observations is null)
                {
                    if (!run.AllAnswered && now < run.PongDeadline)
                    {
                        continue;
                    }

                    run.Observations = [];
                    foreach (var (member, endpoint, id, pong) in run.Asked)
                    {
                        probes.Remove(id);
                        if (pong.Task.IsCompletedSuccessfully && pong.Task.Result is { Kind: TransportKind.Udp, Address: { } observed })
                        {
                            run.Observations.Add(new ReflexiveObservation(member, endpoint, observed));
                        }
                    }

                    var local = options.LocalAddresses?.Invoke();
                    var targets = run.Observations.Select(o => o.Observed).Distinct().Where(e => !IsOwnEndpoint(e, local)).ToList();
                    if (targets.Count > 0)
                    {
                        run.HairpinToken = new byte[NatProbe.TokenSize];
                        random.Fill(run.HairpinToken);
                        run.Deadline = Math.Max(run.Deadline, now + ToTimestamp(HairpinWait));
                        var probe = new byte[NatProbe.Size];
                        NatProbe.Write(probe, run.HairpinToken);
                        lock (hairpinGate)
                        {
                            hairpinTests.Add(run);
                            hairpinCount = hairpinTests.Count;
                        }

                        foreach (var target in targets)
                        {
                            (sends ??= []).Add((target, probe));
                        }

                        continue;
                    }
                }

                if (run.HairpinToken is not null && !run.HairpinSeen && now < run.Deadline)
                {
                    continue;
                }

                (done ??= []).Add((run, BuildReportLocked(run)));
            }

            if (done is not null)
            {
                foreach (var (run, _) in done)
                {
                    netchecks.Remove(run);
                }
            }
        }

        foreach (var (target, probe) in sends ?? [])
        {
            datagrams.Send(probe, target);
        }

        foreach (var (run, report) in done ?? [])
        {
            lock (hairpinGate)
            {
                hairpinTests.Remove(run);
                hairpinCount = hairpinTests.Count;
            }

            run.Report.TrySetResult(report);
        }
    }

    private NatReport BuildReportLocked(NetcheckRun run)
    {
        var observations = run.Observations ?? [];
        var ipv4 = new List<IPEndPoint>();
        var ipv6 = new List<IPEndPoint>();
        foreach (var observation in observations)
        {
            var list = observation.Observed.AddressFamily == AddressFamily.InterNetwork ? ipv4 : ipv6;
            if (!list.Contains(observation.Observed))
            {
                list.Add(observation.Observed);
            }
        }

        var mapping = NatMappingRule.Estimate(observations, options.LocalAddresses?.Invoke(), options.ListenPort, out var detail);
        bool? hairpinning = run.HairpinToken is null ? null : run.HairpinSeen;
        return new NatReport(run.Asked.Count + run.Unreachable == 0 ? null : observations.Count > 0, observations, ipv4, ipv6, mapping, detail,
                             mappedEndpoint, hairpinning);
    }

    /// <summary>A NAT probe datagram from the underlay: our own hairpin probe coming back, or someone's primer/sweep (counted, ignored).</summary>
    private void OnNatProbe(ReadOnlySpan<byte> datagram)
    {
        if (hairpinCount > 0 && NatProbe.TryRead(datagram, out var token))
        {
            lock (hairpinGate)
            {
                foreach (var run in hairpinTests)
                {
                    if (run.HairpinToken is { } expected && token.SequenceEqual(expected))
                    {
                        run.HairpinSeen = true;
                        return;
                    }
                }
            }
        }

        NodeCounterSet.Add(ref counters.NatProbesReceived);
    }

    /// <summary>A pong over a public direct UDP path: remember where that member saw us (the passive NAT estimate).</summary>
    private void NoteNatObservationLocked(MeshPeer peer, Endpoint? probed, Endpoint source, ObservedEndpoint? observed, long now)
    {
        if (probed is not UdpEndpoint udp || !udp.Equals(source) || !IsPublic(udp)
            || observed is not { Kind: TransportKind.Udp, Address: { } seen })
        {
            return;
        }

        peer.NatObservedAt = now;
        if (peer.NatObservation is { } last && last.Observed.Equals(seen) && last.MemberEndpoint.Equals(udp.Address))
        {
            return;
        }

        peer.NatObservation = new ReflexiveObservation(peer.Name, udp.Address, seen);
        reflexiveChanged = true;
    }

    /// <summary>The fresh passive observations (one per member).</summary>
    private List<ReflexiveObservation> NatObservationsLocked(long now)
    {
        var lifetime = ToTimestamp(ObservationLifetime);
        var list = new List<ReflexiveObservation>();
        foreach (var peer in peers)
        {
            if (!peer.Removed && peer.NatObservation is { } observation && now - peer.NatObservedAt < lifetime)
            {
                list.Add(observation);
            }
        }

        return list;
    }
}
