namespace Weft.Core.Discovery;

/// <summary>A snapshot of a node's LAN discovery and peer cache counters (part of <c>NodeCounters</c>).</summary>
/// <param name="BeaconsSent">Beacons handed to the LAN announcer, plus beacons sent back to a new node directly.</param>
/// <param name="BeaconsReceived">Well-formed beacons from another node claiming our CA.</param>
/// <param name="BeaconsOtherCa">Beacons from nodes of another CA: ignored.</param>
/// <param name="BeaconsMalformed">Datagrams of the beacon type that did not parse: ignored.</param>
/// <param name="BeaconsOwn">Our own beacons heard back (another interface on the same link): ignored.</param>
/// <param name="BeaconHellosSent">Hello requests sent because of a beacon (at most one per source every few seconds).</param>
/// <param name="CachedPeersLoaded">Peers from the peer cache added at start (certificate still valid, endpoint known).</param>
/// <param name="CachedPeersRejected">Peer cache entries refused at start: undecodable, not verifying (expired, other CA), or without a usable endpoint.</param>
/// <param name="PeerCacheSaves">Times the peer cache was written.</param>
public sealed record DiscoveryCounters(
    long BeaconsSent,
    long BeaconsReceived,
    long BeaconsOtherCa,
    long BeaconsMalformed,
    long BeaconsOwn,
    long BeaconHellosSent,
    long CachedPeersLoaded,
    long CachedPeersRejected,
    long PeerCacheSaves);
