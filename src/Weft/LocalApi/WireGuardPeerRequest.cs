namespace Weft.LocalApi;

/// <summary>
/// Body of <c>POST /v1/wireguard-peers</c>: a stock WireGuard client to accept live.
/// <see cref="PublicKey"/> is base64 (as in wg-quick configs); addresses are single hosts.
/// </summary>
internal sealed record WireGuardPeerRequest(string Name, string PublicKey, string Ipv4, string Ipv6, string? Endpoint);
