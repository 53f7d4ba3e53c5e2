using Weft.Core.Identity;
using Weft.Core.Mesh;
using Weft.Core.Net;
using Weft.Core.Paths;

namespace Weft.Core.Node;

/// <summary>
/// Mesh routing: who our neighbours are, the link-state adverts we make and flood, the
/// database of everyone's adverts, and the shortest paths computed from it.
/// </summary>
/// <remarks>
/// <code>
///  Tick (every ~100 ms) ── TickMesh
///    neighbours = verified members whose session uses a live direct path (path probing), cost = its RTT
///    set changed, or a cost moved a lot ──► advert pending ──(≥ 500 ms since the last)──► originate
///    every 30 s ──► originate (refresh; adverts live 120 s)
///    new neighbour ──► send it every advert we hold (database sync)
///    database changed ──► ShortestPaths.Compute, publish next hops and the members' addresses
///  OnPayload ── 0x05 advert from a verified peer ──► LinkStateDatabase.Offer
///    accepted (newer, verified) ──► flood to every neighbour except the one it came from
/// </code>
/// Locking: <see cref="neighbourTable"/>, <see cref="shortestPaths"/> and <see cref="meshMembers"/>
/// are immutable snapshots published under the gate and read lock-free by the packet paths. The
/// advert state below is guarded by the gate. The database has its own lock and checks signatures
/// outside it. Sends happen after the gate is released.
/// </remarks>
public sealed partial class MeshNode
{
    private static readonly TimeSpan AdvertRefreshInterval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AdvertMinInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan AdvertLifetime = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan ExpiryCheckInterval = TimeSpan.FromSeconds(1);

    /// <summary>The cost of a neighbour whose RTT is not measured yet (100 ms).</summary>
    private const uint UnmeasuredCost = 1000;

    private readonly MeshCounterSet meshCounters = new();
    private LinkStateDatabase linkState = null!;

    // ---- published under gate, read lock-free ----
    private volatile Dictionary<NodeId, MeshPeer> neighbourTable = [];
    private volatile ShortestPaths shortestPaths = ShortestPaths.Empty;
    private volatile RouteTable<LinkStateAdvert> meshMembers = RouteTable<LinkStateAdvert>.Empty;

    // ---- guarded by gate ----
    private LinkStateNeighbour[] advertisedNeighbours = [];
    private bool advertPending = true;
    private long lastAdvertAt;
    private bool advertMade;
    private ulong lastSequence;
    private long routesBuiltFor = -1;
    private long lastExpiryCheck;

    /// <summary>This node's view of the mesh (adverts, neighbours, paths, relay counters). Safe from any thread.</summary>
    public MeshCounters GetMeshCounters() =>
        meshCounters.Snapshot(linkState.Counters, neighbourTable.Count, linkState.Count, shortestPaths.ReachableCount);

    /// <summary>The adverts this node holds (its own included), for inspection and tests.</summary>
    internal IReadOnlyList<LinkStateAdvert> LinkStateSnapshotForTests() => linkState.Snapshot();

    /// <summary>Called once from the constructor.</summary>
    private void InitializeMesh() => linkState = new LinkStateDatabase(trustStore, keys.NodeId);

    /// <summary>The mesh part of <see cref="Tick"/>: neighbours, adverts, expiry, routes.</summary>
    private void TickMesh()
    {
        var now = time.GetUtcNow();
        var timestamp = time.GetTimestamp();
        List<MeshPeer>? joined = null;
        MeshPeer[] neighbours;
        byte[]? ownAdvert = null;
        string? changedNames = null;
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            var current = CurrentNeighboursLocked();
            var table = neighbourTable;
            var setChanged = current.Count != table.Count;
            foreach (var (peer, _) in current)
            {
                if (!table.TryGetValue(peer.NodeId, out var known) || !ReferenceEquals(known, peer))
                {
                    setChanged = true;
                    (joined ??= []).Add(peer);
                }
            }

            if (setChanged)
            {
                var next = new Dictionary<NodeId, MeshPeer>(current.Count);
                foreach (var (peer, _) in current)
                {
                    next[peer.NodeId] = peer;
                }

                neighbourTable = next;
                advertPending = true;
                changedNames = string.Join(", ", current.Select(c => c.Peer.Name));
            }
            else if (CostsMovedLocked(current))
            {
                advertPending = true;
            }

            var sinceLast = timestamp - lastAdvertAt;
            if ((advertPending && (!advertMade || sinceLast >= Ticks(AdvertMinInterval)))
                || sinceLast >= Ticks(AdvertRefreshInterval))
            {
                ownAdvert = OriginateLocked(current, now, timestamp);
            }

            neighbours = [.. neighbourTable.Values];
        }

        if (changedNames is not null)
        {
            MeshLog.NeighboursChanged(logger, neighbours.Length, changedNames);
        }

        if (ownAdvert is not null)
        {
            foreach (var neighbour in neighbours)
            {
                SendAdvert(neighbour, ownAdvert);
            }
        }

        if (joined is not null)
        {
            // Database sync: a new neighbour learns everything we know at once, not at the next refreshes.
            var all = linkState.Snapshot();
            foreach (var peer in joined)
            {
                foreach (var advert in all)
                {
                    if (ownAdvert is null || advert.Origin != keys.NodeId)
                    {
                        SendAdvert(peer, advert.Encoded);
                    }
                }
            }
        }

        if (timestamp - lastExpiryCheck >= Ticks(ExpiryCheckInterval))
        {
            lastExpiryCheck = timestamp;
            linkState.RemoveExpired(now);
        }

        RecomputeRoutesIfChanged();
        ReleaseHeldPackets();
    }

    /// <summary>A link-state advert from <paramref name="peer"/>: verify, keep if newer, flood on.</summary>
    private void ReceiveAdvert(MeshPeer peer, ReadOnlySpan<byte> message)
    {
        MeshCounterSet.Add(ref meshCounters.AdvertsReceived);
        if (!peer.Verified || peer.Kind != MeshPeerKind.Member)
        {
            MeshCounterSet.Add(ref meshCounters.AdvertsFromUnverifiedPeers);
            return;
        }

        var verdict = linkState.Offer(message, time.GetUtcNow(), out var advert, out _);
        if (verdict != AdvertVerdict.Accepted || advert is null)
        {
            if (verdict is not (AdvertVerdict.Duplicate or AdvertVerdict.Stale or AdvertVerdict.FromSelf))
            {
                if (ShouldLogAdvertRefusal(peer.Name, verdict))
                {
                    MeshLog.AdvertRefused(logger, peer.Name, verdict);
                }
            }

            return;
        }

        foreach (var neighbour in neighbourTable.Values)
        {
            if (!ReferenceEquals(neighbour, peer))
            {
                SendAdvert(neighbour, advert.Encoded);
            }
        }
    }

    private void SendAdvert(MeshPeer neighbour, byte[] advert)
    {
        MeshCounterSet.Add(ref meshCounters.AdvertsSent);
        device.Send(neighbour.WireGuard, advert);
    }

    /// <summary>
    /// Verified members whose session uses a direct path that is alive (path probing: a pong or any
    /// authenticated message within the dead-after time), and the cost of each link (its RTT).
    /// </summary>
    private List<(MeshPeer Peer, uint Cost)> CurrentNeighboursLocked()
    {
        var list = new List<(MeshPeer, uint)>();
        foreach (var peer in peers)
        {
            if (peer.Kind == MeshPeerKind.Member && peer.Verified && !peer.Removed && peer.WireGuard.HasSession
                && HasLiveDirectPathLocked(peer))
            {
                var cost = PathRttMsLocked(peer) is { } rttMs ? LinkStateNeighbour.CostOf(TimeSpan.FromMilliseconds(rttMs)) : UnmeasuredCost;
                list.Add((peer, cost));
            }
        }

        return list;
    }

    /// <summary>True when some neighbour's cost is off by more than half (and 2 ms) from what we advertised.</summary>
    private bool CostsMovedLocked(List<(MeshPeer Peer, uint Cost)> current)
    {
        foreach (var (peer, cost) in current)
        {
            foreach (var old in advertisedNeighbours)
            {
                if (old.Node == peer.NodeId)
                {
                    var delta = Math.Abs((long)cost - old.Cost);
                    if (delta > 20 && delta * 2 > old.Cost)
                    {
                        return true;
                    }

                    break;
                }
            }
        }

        return false;
    }

    private byte[] OriginateLocked(List<(MeshPeer Peer, uint Cost)> current, DateTimeOffset now, long timestamp)
    {
        var neighbours = new LinkStateNeighbour[current.Count];
        for (var i = 0; i < current.Count; i++)
        {
            neighbours[i] = new LinkStateNeighbour(current[i].Peer.NodeId, current[i].Cost);
        }

        // Unix milliseconds keep the sequence rising across restarts; +1 keeps it rising within one.
        lastSequence = Math.Max(lastSequence + 1, (ulong)Math.Max(0, now.ToUnixTimeMilliseconds()));
        var bytes = LinkStateAdvert.Create(keys, certificate, lastSequence, now + AdvertLifetime, options.Relay, neighbours);
        if (!LinkStateAdvert.TryDecode(bytes, out var own, out var error) || own is null)
        {
            throw new InvalidOperationException("Our own advert does not decode: " + error);
        }

        linkState.SetOwn(own);
        advertisedNeighbours = neighbours;
        advertPending = false;
        advertMade = true;
        lastAdvertAt = timestamp;
        MeshCounterSet.Add(ref meshCounters.AdvertsOriginated);
        MeshLog.AdvertOriginated(logger, lastSequence, neighbours.Length);
        return bytes;
    }

    /// <summary>New shortest paths and member address table when the database changed since the last computation.</summary>
    private void RecomputeRoutesIfChanged()
    {
        var version = linkState.TopologyVersion;
        lock (gate)
        {
            if (version == routesBuiltFor)
            {
                return;
            }

            routesBuiltFor = version;
        }

        var adverts = linkState.Snapshot();
        var paths = ShortestPaths.Compute(keys.NodeId, adverts);
        var members = new List<(LinkStateAdvert, OwnedAddresses)>(adverts.Count);
        foreach (var advert in adverts)
        {
            if (advert.Origin != keys.NodeId)
            {
                members.Add((advert, OwnedBy(advert.Certificate)));
            }
        }

        var table = new RouteTable<LinkStateAdvert>(members);
        lock (gate)
        {
            shortestPaths = paths;
            meshMembers = table;
            NoteRelayCandidatesLocked(paths);
        }

        MeshCounterSet.Add(ref meshCounters.RouteComputations);
        MeshLog.RoutesComputed(logger, paths.ReachableCount, adverts.Count);
    }

    /// <summary>
    /// Every member with a session gets "through the mesh" (a relay endpoint) as a path candidate while
    /// the mesh has a route to it through other members, and loses it when that route is gone; path selection uses it when
    /// nothing direct works (a cut link, a dead neighbour).
    /// </summary>
    private void NoteRelayCandidatesLocked(ShortestPaths paths)
    {
        foreach (var peer in peers)
        {
            if (peer.Kind != MeshPeerKind.Member || peer.Removed || !peer.Verified)
            {
                continue;
            }

            // Only a route through other members is a different way: a relay "via" the peer itself is its own direct link.
            var relay = RelayEndpointFor(peer.NodeId);
            if (paths.TryGetNextHop(peer.NodeId, out var hop) && hop != peer.NodeId)
            {
                NotePathLocked(peer, relay, PathSource.Relay);
            }
            else if (!relay.Equals(peer.WireGuard.Endpoint))
            {
                RemovePathLocked(peer, relay);
            }
        }
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);

    /// <summary>
    /// A member sending bad adverts is counted every time but logged at most once a minute per
    /// peer and verdict, so a hostile or broken member cannot flood the log.
    /// </summary>
    private bool ShouldLogAdvertRefusal(string peerName, AdvertVerdict verdict)
    {
        var now = time.GetTimestamp();
        var key = (peerName, verdict);
        lock (advertRefusalLogTimes)
        {
            if (advertRefusalLogTimes.TryGetValue(key, out var last) && now - last < time.TimestampFrequency * 60)
            {
                return false;
            }

            if (advertRefusalLogTimes.Count >= 1024)
            {
                advertRefusalLogTimes.Clear();
            }

            advertRefusalLogTimes[key] = now;
            return true;
        }
    }

    private readonly Dictionary<(string Peer, AdvertVerdict Verdict), long> advertRefusalLogTimes = [];
}
