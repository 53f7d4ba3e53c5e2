namespace Weft.Core.Mesh;

/// <summary>The live mesh counters of a node, updated with <see cref="Interlocked"/> from any thread.</summary>
internal sealed class MeshCounterSet
{
    public long AdvertsOriginated;
    public long AdvertsSent;
    public long AdvertsReceived;
    public long AdvertsFromUnverifiedPeers;
    public long RouteComputations;
    public long EnvelopesSent;
    public long EnvelopesForwarded;
    public long EnvelopesDelivered;
    public long EnvelopesDroppedTtl;
    public long EnvelopesDroppedNoRoute;
    public long EnvelopesDroppedNotRelaying;
    public long EnvelopesDroppedMalformed;
    public long OnDemandSessions;

    public static void Add(ref long counter) => Interlocked.Increment(ref counter);

    public static void Add(ref long counter, long n) => Interlocked.Add(ref counter, n);

    public MeshCounters Snapshot(LinkStateDatabaseCounters database, int neighbours, int known, int reachable) => new(
        AdvertsOriginated: Volatile.Read(ref AdvertsOriginated),
        AdvertsSent: Volatile.Read(ref AdvertsSent),
        AdvertsReceived: Volatile.Read(ref AdvertsReceived),
        AdvertsFromUnverifiedPeers: Volatile.Read(ref AdvertsFromUnverifiedPeers),
        Database: database,
        RouteComputations: Volatile.Read(ref RouteComputations),
        EnvelopesSent: Volatile.Read(ref EnvelopesSent),
        EnvelopesForwarded: Volatile.Read(ref EnvelopesForwarded),
        EnvelopesDelivered: Volatile.Read(ref EnvelopesDelivered),
        EnvelopesDroppedTtl: Volatile.Read(ref EnvelopesDroppedTtl),
        EnvelopesDroppedNoRoute: Volatile.Read(ref EnvelopesDroppedNoRoute),
        EnvelopesDroppedNotRelaying: Volatile.Read(ref EnvelopesDroppedNotRelaying),
        EnvelopesDroppedMalformed: Volatile.Read(ref EnvelopesDroppedMalformed),
        OnDemandSessions: Volatile.Read(ref OnDemandSessions),
        Neighbours: neighbours,
        KnownNodes: known,
        ReachableNodes: reachable);
}
