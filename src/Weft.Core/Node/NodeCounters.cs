using Weft.Core.Discovery;
using Weft.Core.WireGuard;

namespace Weft.Core.Node;

/// <summary>
/// A snapshot of a node's counters: what it sent and accepted, and every packet it dropped,
/// by reason. "Rx" is peer → TUN, "Tx" is TUN → peer.
/// </summary>
/// <param name="HelloRequestsSent">Hello requests sent to static peers (first tries and retries).</param>
/// <param name="HelloRequestsAnswered">Hello requests from valid members that got a reply.</param>
/// <param name="HelloRequestsIgnored">Hello requests left unanswered: malformed, bad signature, not a member, stale or replayed.</param>
/// <param name="HelloRepliesAccepted">Hello replies that verified and started a handshake.</param>
/// <param name="HelloRepliesRejected">Hello replies that were malformed, unexpected or did not verify.</param>
/// <param name="CertificatesSent">Certificate control messages sent inside sessions.</param>
/// <param name="CertificatesVerified">Peer certificates that verified (first time per certificate).</param>
/// <param name="CertificatesRejected">Peer certificates refused (wrong CA, expired, key mismatch, ...).</param>
/// <param name="CertificatesExpired">Verified peers whose certificate expired while connected.</param>
/// <param name="ControlMessagesMalformed">Control messages that were truncated or of an unknown type.</param>
/// <param name="PacketsToTun">IP packets from peers written to the TUN device.</param>
/// <param name="PacketsFromTun">IP packets from the TUN device handed to a session.</param>
/// <param name="RxDroppedUnverifiedPeer">IP packets from a peer whose certificate is not verified.</param>
/// <param name="RxDroppedSpoofedSource">IP packets whose source address the peer does not own.</param>
/// <param name="RxDroppedMalformedIp">IP packets from peers with a truncated or inconsistent header.</param>
/// <param name="TxDroppedNoRoute">TUN packets to an address no verified peer owns.</param>
/// <param name="TxDroppedUnverifiedPeer">TUN packets whose peer lost its verification on the way.</param>
/// <param name="TxDroppedMalformedIp">TUN packets with a truncated header.</param>
/// <param name="PendingPeersAccepted">Handshakes accepted from keys not known yet (certificate still to come).</param>
/// <param name="PendingPeersEvicted">Unverified peers removed to keep the pending set bounded.</param>
/// <param name="TxDroppedNoRelay">Datagrams for a relay endpoint that no relay path could take (no route, relaying unavailable).</param>
/// <param name="PingsSent">Path probes and mesh pings sent.</param>
/// <param name="PingsIgnored">Pings from peers that are not verified members (not answered).</param>
/// <param name="PongsSent">Pings answered.</param>
/// <param name="PongsReceived">Pongs that answered a ping of ours.</param>
/// <param name="PongsUnexpected">Pongs for no ping in flight (late, duplicated, or from another peer).</param>
/// <param name="PathSwitches">Times a peer's session moved to another path (choice or roaming).</param>
/// <param name="StreamConnectsStarted">TCP/TLS connections started (static peer fallback and background upgrades).</param>
/// <param name="CallMeMaybeSent">Call-me-maybe messages (request, reply, go, swept) sent inside sessions.</param>
/// <param name="CallMeMaybeReceived">Call-me-maybe messages accepted from verified members.</param>
/// <param name="NatPrimersSent">NAT primers sent (TTL 2 datagrams that open our own router toward a peer candidate).</param>
/// <param name="NatSweepPackets">Sweep datagrams sent (TTL 3, every port of a hard-NAT peer's reflexive address).</param>
/// <param name="NatProbesReceived">NAT probe datagrams received that were not our own hairpin probe (primers, sweeps; ignored).</param>
/// <param name="HolePunchAttempts">NAT traversal attempts started (as initiator or responder).</param>
/// <param name="HolePunchSuccesses">Attempts that ended with the session on a direct path.</param>
/// <param name="CallMeMaybeCandidatesDropped">Candidates in received call-me-maybe messages that cannot be probed (loopback, multicast, link-local, port 0, ...).</param>
/// <param name="Discovery">LAN beacons and the peer cache.</param>
/// <param name="WireGuard">The WireGuard device's own counters.</param>
public sealed record NodeCounters(
    long HelloRequestsSent,
    long HelloRequestsAnswered,
    long HelloRequestsIgnored,
    long HelloRepliesAccepted,
    long HelloRepliesRejected,
    long CertificatesSent,
    long CertificatesVerified,
    long CertificatesRejected,
    long CertificatesExpired,
    long ControlMessagesMalformed,
    long PacketsToTun,
    long PacketsFromTun,
    long RxDroppedUnverifiedPeer,
    long RxDroppedSpoofedSource,
    long RxDroppedMalformedIp,
    long TxDroppedNoRoute,
    long TxDroppedUnverifiedPeer,
    long TxDroppedMalformedIp,
    long PendingPeersAccepted,
    long PendingPeersEvicted,
    long TxDroppedNoRelay,
    long PingsSent,
    long PingsIgnored,
    long PongsSent,
    long PongsReceived,
    long PongsUnexpected,
    long PathSwitches,
    long StreamConnectsStarted,
    long CallMeMaybeSent,
    long CallMeMaybeReceived,
    long NatPrimersSent,
    long NatSweepPackets,
    long NatProbesReceived,
    long HolePunchAttempts,
    long HolePunchSuccesses,
    long CallMeMaybeCandidatesDropped,
    DiscoveryCounters Discovery,
    WireGuardCounters WireGuard);
