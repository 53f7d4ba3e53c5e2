namespace Weft.Core.Discovery;

/// <summary>
/// The live discovery counters: every field is updated with <see cref="Interlocked"/> from any thread;
/// <see cref="Snapshot"/> copies them into a <see cref="DiscoveryCounters"/>.
/// </summary>
internal sealed class DiscoveryCounterSet
{
    public long BeaconsSent;
    public long BeaconsReceived;
    public long BeaconsOtherCa;
    public long BeaconsMalformed;
    public long BeaconsOwn;
    public long BeaconHellosSent;
    public long CachedPeersLoaded;
    public long CachedPeersRejected;
    public long PeerCacheSaves;

    public DiscoveryCounters Snapshot() => new(
        BeaconsSent: Volatile.Read(ref BeaconsSent),
        BeaconsReceived: Volatile.Read(ref BeaconsReceived),
        BeaconsOtherCa: Volatile.Read(ref BeaconsOtherCa),
        BeaconsMalformed: Volatile.Read(ref BeaconsMalformed),
        BeaconsOwn: Volatile.Read(ref BeaconsOwn),
        BeaconHellosSent: Volatile.Read(ref BeaconHellosSent),
        CachedPeersLoaded: Volatile.Read(ref CachedPeersLoaded),
        CachedPeersRejected: Volatile.Read(ref CachedPeersRejected),
        PeerCacheSaves: Volatile.Read(ref PeerCacheSaves));
}
