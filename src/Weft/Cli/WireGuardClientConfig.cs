using System.Globalization;
using System.Net;
using System.Text;

namespace Weft.Cli;

/// <summary>
/// The wg-quick configuration for a stock WireGuard client of this node:
/// <code>
/// [Interface]
/// PrivateKey = (client private key, base64)
/// Address = 100.90.0.7/32, fdxx:xxxx:xxxx:....:..../128
/// MTU = 1420
///
/// [Peer]
/// PublicKey = (this node's X25519 public key, base64)
/// Endpoint = host:port
/// AllowedIPs = 100.90.0.0/16, fdxx:xxxx:xxxx::/48
/// PersistentKeepalive = 25
/// </code>
/// </summary>
internal sealed record WireGuardClientConfig(
    string Name,
    byte[] ClientPrivateKey,
    IPAddress Ipv4,
    IPAddress Ipv6,
    int Mtu,
    byte[] NodePublicKey,
    string Endpoint,
    IPNetwork MeshIpv4,
    IPNetwork MeshIpv6)
{
    public const int PersistentKeepaliveSeconds = 25;

    public string Render()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# WireGuard client \"{Name}\" of a Weft mesh. Keep this file secret: it holds the client's private key.\n");
        text.Append("[Interface]\n");
        text.Append(CultureInfo.InvariantCulture, $"PrivateKey = {Convert.ToBase64String(ClientPrivateKey)}\n");
        text.Append(CultureInfo.InvariantCulture, $"Address = {Ipv4}/32, {Ipv6}/128\n");
        text.Append(CultureInfo.InvariantCulture, $"MTU = {Mtu}\n");
        text.Append('\n');
        text.Append("[Peer]\n");
        text.Append(CultureInfo.InvariantCulture, $"PublicKey = {Convert.ToBase64String(NodePublicKey)}\n");
        text.Append(CultureInfo.InvariantCulture, $"Endpoint = {Endpoint}\n");
        text.Append(CultureInfo.InvariantCulture, $"AllowedIPs = {MeshIpv4}, {MeshIpv6}\n");
        text.Append(CultureInfo.InvariantCulture, $"PersistentKeepalive = {PersistentKeepaliveSeconds}\n");
        return text.ToString();
    }
}
