namespace Weft.LocalApi;

/// <summary>
/// One peer in a <see cref="StatusReport"/> (mirrors the node's <c>PeerStatus</c>). <see cref="Path"/>
/// is the path in use ("direct udp 10.0.0.2:51820", "direct tls 10.0.0.3:443", "via bravo -> charlie")
/// and <see cref="RttMs"/> its last measured round trip; both null until known. <see cref="NatTraversal"/> is
/// set while the session goes through a relay and NAT traversal works on it ("punching", "retry in 20s").
/// </summary>
internal sealed record PeerReport(
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
