using System.Net;

namespace Weft.Core.Nat;

/// <summary>An endpoint a member offers in call me maybe for the peer to probe, and where it comes from.</summary>
public readonly record struct NatCandidate(NatCandidateSource Source, IPEndPoint Endpoint)
{
    /// <summary>
    /// True if the endpoint may be probed: not unspecified, loopback, multicast, broadcast or link-local, and port
    /// not 0. Received candidates that fail this are dropped and counted; we never offer them.
    /// </summary>
    public static bool IsUsable(IPEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var address = endpoint.Address.IsIPv4MappedToIPv6 ? endpoint.Address.MapToIPv4() : endpoint.Address;
        if (endpoint.Port == 0 || IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
            || address.IsIPv6LinkLocal || address.IsIPv6Multicast)
        {
            return false;
        }

        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            Span<byte> bytes = stackalloc byte[4];
            address.TryWriteBytes(bytes, out _);
            var isMulticast = bytes[0] >= 224 && bytes[0] <= 239;
            var isLinkLocal = bytes[0] == 169 && bytes[1] == 254;
            var isBroadcastOrReserved = bytes[0] >= 240;
            var isThisNetwork = bytes[0] == 0;
            return !(isMulticast || isLinkLocal || isBroadcastOrReserved || isThisNetwork);
        }

        return true;
    }

    public override string ToString() => $"{Source.ToString().ToLowerInvariant()} {Endpoint}";
}
