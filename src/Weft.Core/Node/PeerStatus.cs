namespace Weft.Core.Node;

/// <summary>
/// A snapshot of one peer. <see cref="Kind"/> is "member" (verified mesh certificate),
/// "wireguard" (a plain WireGuard peer from configuration) or "pending" (certificate not verified
/// yet, or refused: then <see cref="Problem"/> says why).
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
    string? Problem);
