namespace Weft.State;

/// <summary>
/// A stock WireGuard client this node accepts (<c>weft wireguard add</c>). Only public data: the
/// client's private key is printed once in its config and never stored.
/// </summary>
/// <param name="PublicKey">The client's X25519 public key, base64 as in wg-quick configs.</param>
/// <param name="Ipv4">The client's mesh IPv4 address (a single host).</param>
/// <param name="Ipv6">The client's mesh IPv6 address, derived from its key inside the mesh /48.</param>
internal sealed record WireGuardPeerRecord(string Name, string PublicKey, string Ipv4, string Ipv6, DateTimeOffset Added);
