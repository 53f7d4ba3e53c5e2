namespace Weft.LocalApi;

/// <summary>One peer in a <see cref="StatusReport"/> (mirrors the node's <c>PeerStatus</c>).</summary>
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
    string? Problem);
