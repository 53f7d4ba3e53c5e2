using System.Net;
using System.Net.Sockets;

namespace Weft.Core.Identity.Internal;

/// <summary>Bit-level helpers for addresses and prefixes (host bits, network and broadcast addresses).</summary>
internal static class IpBits
{
    public static bool HostBitsZero(ReadOnlySpan<byte> address, int prefixLength)
    {
        for (var bit = prefixLength; bit < address.Length * 8; bit++)
        {
            if ((address[bit / 8] & (0x80 >> (bit % 8))) != 0)
            {
                return false;
            }
        }

        return true;
    }

    public static uint ToUInt32(IPAddress ipv4)
    {
        Span<byte> b = stackalloc byte[4];
        ipv4.TryWriteBytes(b, out _);
        return (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
    }

    public static IPAddress FromUInt32(uint value) =>
        new([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);

    public static bool IsIpv4(IPAddress address) => address.AddressFamily == AddressFamily.InterNetwork;

    /// <summary>An IPv4-mapped IPv6 address becomes plain IPv4; anything else is returned as is.</summary>
    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
