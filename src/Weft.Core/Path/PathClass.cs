using System.Net;
using System.Net.Sockets;
using Weft.Core.Net;

namespace Weft.Core.Paths;

/// <summary>
/// How good a way to a peer is, best first (the preference of DESIGN.md "Path"): a direct LAN
/// address, a direct UDP address, a direct TCP/TLS connection, then relays through other members.
/// </summary>
public enum PathClass : byte
{
    /// <summary>UDP to a link-local, loopback or private (RFC 1918 / ULA) address on our own link.</summary>
    Lan = 0,

    /// <summary>UDP to any other address.</summary>
    Udp = 1,

    /// <summary>A framed TCP or TLS connection.</summary>
    Stream = 2,

    /// <summary>Relay envelopes through other members.</summary>
    Relay = 3,
}

/// <summary>Classifies endpoints into <see cref="PathClass"/>es.</summary>
public static class PathClassifier
{
    /// <summary>
    /// The class of <paramref name="endpoint"/>. A UDP address is <see cref="PathClass.Lan"/> when it
    /// is link-local or loopback, or private (10/8, 172.16/12, 192.168/16, fc00::/7) and — when
    /// <paramref name="onLink"/> is given — on one of our own subnets.
    /// </summary>
    public static PathClass Classify(Endpoint endpoint, Func<IPAddress, bool>? onLink = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint switch
        {
            UdpEndpoint udp => IsLanAddress(udp.Address.Address, onLink) ? PathClass.Lan : PathClass.Udp,
            StreamConnection => PathClass.Stream,
            _ => PathClass.Relay,
        };
    }

    /// <summary>True for addresses on the local link (see <see cref="Classify"/>).</summary>
    public static bool IsLanAddress(IPAddress address, Func<IPAddress, bool>? onLink = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (IPAddress.IsLoopback(address) || address.IsIPv6LinkLocal)
        {
            return true;
        }

        // Allocation-free (called on the receive path): IPv4-mapped addresses are read in place.
        bool isPrivate;
        Span<byte> all = stackalloc byte[16];
        address.TryWriteBytes(all, out var written);
        var mapped = address.IsIPv4MappedToIPv6;
        var bytes = mapped ? all[12..] : all[..written];
        if (mapped && bytes[0] == 127)
        {
            return true;
        }

        if (mapped || address.AddressFamily == AddressFamily.InterNetwork)
        {
            isPrivate = bytes[0] == 10
                || (bytes[0] == 172 && (bytes[1] & 0xF0) == 16)
                || (bytes[0] == 192 && bytes[1] == 168)
                || (bytes[0] == 169 && bytes[1] == 254);
            if (bytes[0] == 169 && bytes[1] == 254)
            {
                return true;   // IPv4 link-local
            }
        }
        else
        {
            isPrivate = (bytes[0] & 0xFE) == 0xFC;
        }

        return isPrivate && (onLink is null || onLink(mapped ? address.MapToIPv4() : address));
    }
}
