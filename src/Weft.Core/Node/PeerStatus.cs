namespace Weft.Core.Node;

/// <summary>
/// A snapshot of one peer. <see cref="Kind"/> is "member" (verified mesh certificate),
/// "wireguard" (a plain WireGuard peer from configuration) or "pending" (certificate not verified
/// yet, or refused: then <see cref="Problem"/> says why). <see cref="Path"/> is the way the session
/// goes ("direct udp 10.0.0.2:51820", "direct tls 10.0.0.3:443", "via bravo -&gt; charlie") and
/// <see cref="RttMs"/> its smoothed round-trip time from path probes (null until measured).
/// <see cref="NatTraversal"/> is set while the session goes through a relay and NAT traversal works on it:
/// "punching" during an attempt, "retry in 20s" while backing off; null when direct (or traversal is off).
/// </summary>
public sealed record PeerStatus(
    string Name,
    string Kind,
    string NodeId,
    string PublicKey,
    string? Ipv4,
    string? Ipv6,
    string? Endpoint,
    DateTimeOffset? LastHandshake,
    long RxBytes,
    long TxBytes,
    bool Verified,
    string? Problem,
    string? Path = null,
    double? RttMs = null,
    string? NatTraversal = null);
