using Weft.Core.Discovery;
using Weft.Core.WireGuard;

namespace Weft.Core.Node;

/// <summary>
/// The node's live counters. Every field is updated with <see cref="Interlocked"/> from any
/// thread; <see cref="Snapshot"/> copies them into the public <see cref="NodeCounters"/> record.
/// </summary>
internal sealed class NodeCounterSet
{
    public long HelloRequestsSent;
    public long HelloRequestsAnswered;
    public long HelloRequestsIgnored;
    public long HelloRepliesAccepted;
    public long HelloRepliesRejected;
    public long CertificatesSent;
    public long CertificatesVerified;
    public long CertificatesRejected;
    public long CertificatesExpired;
    public long ControlMessagesMalformed;
    public long PacketsToTun;
    public long PacketsFromTun;
    public long RxDroppedUnverifiedPeer;
    public long RxDroppedSpoofedSource;
    public long RxDroppedMalformedIp;
    public long TxDroppedNoRoute;
    public long TxDroppedUnverifiedPeer;
    public long TxDroppedMalformedIp;
    public long PendingPeersAccepted;
    public long PendingPeersEvicted;
    public long TxDroppedNoRelay;
    public long PingsSent;
    public long PingsIgnored;
    public long PongsSent;
    public long PongsReceived;
    public long PongsUnexpected;
    public long PathSwitches;
    public long StreamConnectsStarted;
    public long CallMeMaybeSent;
    public long CallMeMaybeReceived;
    public long NatPrimersSent;
    public long NatSweepPackets;
    public long NatProbesReceived;
    public long HolePunchAttempts;
    public long HolePunchSuccesses;
    public long CallMeMaybeCandidatesDropped;

    public readonly DiscoveryCounterSet Discovery = new();

    public static void Add(ref long counter) => Interlocked.Increment(ref counter);

    public NodeCounters Snapshot(WireGuardCounters wireGuard) => new(
        HelloRequestsSent: Volatile.Read(ref HelloRequestsSent),
        HelloRequestsAnswered: Volatile.Read(ref HelloRequestsAnswered),
        HelloRequestsIgnored: Volatile.Read(ref HelloRequestsIgnored),
        HelloRepliesAccepted: Volatile.Read(ref HelloRepliesAccepted),
        HelloRepliesRejected: Volatile.Read(ref HelloRepliesRejected),
        CertificatesSent: Volatile.Read(ref CertificatesSent),
        CertificatesVerified: Volatile.Read(ref CertificatesVerified),
        CertificatesRejected: Volatile.Read(ref CertificatesRejected),
        CertificatesExpired: Volatile.Read(ref CertificatesExpired),
        ControlMessagesMalformed: Volatile.Read(ref ControlMessagesMalformed),
        PacketsToTun: Volatile.Read(ref PacketsToTun),
        PacketsFromTun: Volatile.Read(ref PacketsFromTun),
        RxDroppedUnverifiedPeer: Volatile.Read(ref RxDroppedUnverifiedPeer),
        RxDroppedSpoofedSource: Volatile.Read(ref RxDroppedSpoofedSource),
        RxDroppedMalformedIp: Volatile.Read(ref RxDroppedMalformedIp),
        TxDroppedNoRoute: Volatile.Read(ref TxDroppedNoRoute),
        TxDroppedUnverifiedPeer: Volatile.Read(ref TxDroppedUnverifiedPeer),
        TxDroppedMalformedIp: Volatile.Read(ref TxDroppedMalformedIp),
        PendingPeersAccepted: Volatile.Read(ref PendingPeersAccepted),
        PendingPeersEvicted: Volatile.Read(ref PendingPeersEvicted),
        TxDroppedNoRelay: Volatile.Read(ref TxDroppedNoRelay),
        PingsSent: Volatile.Read(ref PingsSent),
        PingsIgnored: Volatile.Read(ref PingsIgnored),
        PongsSent: Volatile.Read(ref PongsSent),
        PongsReceived: Volatile.Read(ref PongsReceived),
        PongsUnexpected: Volatile.Read(ref PongsUnexpected),
        PathSwitches: Volatile.Read(ref PathSwitches),
        StreamConnectsStarted: Volatile.Read(ref StreamConnectsStarted),
        CallMeMaybeSent: Volatile.Read(ref CallMeMaybeSent),
        CallMeMaybeReceived: Volatile.Read(ref CallMeMaybeReceived),
        NatPrimersSent: Volatile.Read(ref NatPrimersSent),
        NatSweepPackets: Volatile.Read(ref NatSweepPackets),
        NatProbesReceived: Volatile.Read(ref NatProbesReceived),
        HolePunchAttempts: Volatile.Read(ref HolePunchAttempts),
        HolePunchSuccesses: Volatile.Read(ref HolePunchSuccesses),
        CallMeMaybeCandidatesDropped: Volatile.Read(ref CallMeMaybeCandidatesDropped),
        Discovery: Discovery.Snapshot(),
        WireGuard: wireGuard);
}
