namespace Weft.Core.Mesh;

/// <summary>
/// A snapshot of a node's mesh routing counters: adverts made and flooded, the link-state
/// database's verdicts, and relay envelopes sent, forwarded, delivered and dropped (by reason).
/// </summary>
/// <param name="AdvertsOriginated">Adverts this node made (on neighbour change, rate-limited, and periodically).</param>
/// <param name="AdvertsSent">Advert messages sent to neighbours (ours and flooded ones, database syncs included).</param>
/// <param name="AdvertsReceived">Advert messages received from peers.</param>
/// <param name="AdvertsFromUnverifiedPeers">Adverts dropped because the sending peer is not a verified member.</param>
/// <param name="Database">What the link-state database accepted and refused.</param>
/// <param name="RouteComputations">Shortest-path computations (one per database change, at most one per tick).</param>
/// <param name="EnvelopesSent">Envelopes this node wrapped for its own end-to-end sessions.</param>
/// <param name="EnvelopesForwarded">Envelopes relayed on toward their destination.</param>
/// <param name="EnvelopesDelivered">Envelopes for this node handed to the WireGuard device.</param>
/// <param name="EnvelopesDroppedTtl">Envelopes that arrived with ttl 0.</param>
/// <param name="EnvelopesDroppedNoRoute">Envelopes (ours or to forward) for a destination with no known next hop.</param>
/// <param name="EnvelopesDroppedNotRelaying">Envelopes for others received while relaying is off.</param>
/// <param name="EnvelopesDroppedMalformed">Envelopes that did not parse, came through a relayed session, or from an unverified peer.</param>
/// <param name="OnDemandSessions">End-to-end sessions opened to members known only from adverts.</param>
/// <param name="Neighbours">Current neighbours (verified members with a live direct session).</param>
/// <param name="KnownNodes">Origins in the link-state database (this node included).</param>
/// <param name="ReachableNodes">Members with a path from this node.</param>
public sealed record MeshCounters(
    long AdvertsOriginated,
    long AdvertsSent,
    long AdvertsReceived,
    long AdvertsFromUnverifiedPeers,
    LinkStateDatabaseCounters Database,
    long RouteComputations,
    long EnvelopesSent,
    long EnvelopesForwarded,
    long EnvelopesDelivered,
    long EnvelopesDroppedTtl,
    long EnvelopesDroppedNoRoute,
    long EnvelopesDroppedNotRelaying,
    long EnvelopesDroppedMalformed,
    long OnDemandSessions,
    int Neighbours,
    int KnownNodes,
    int ReachableNodes);
