using System.Buffers.Binary;

namespace Weft.Core.Node;

/// <summary>
/// Just enough of the IPv4 and IPv6 headers for routing and source checks, read straight from
/// the packet bytes without allocating.
/// </summary>
/// <remarks>
/// <code>
/// IPv4 (RFC 791)                          IPv6 (RFC 8200)
///  0: version(4) | IHL(4)                  0: version(4) | traffic class | flow label
///  2: total length (BE u16)                4: payload length (BE u16), excludes the 40-byte header
/// 12: source address (4)                   8: source address (16)
/// 16: destination address (4)             24: destination address (16)
/// </code>
/// </remarks>
internal static class IpPacket
{
    public const int Ipv4HeaderSize = 20;
    public const int Ipv6HeaderSize = 40;

    /// <summary>True when the first nibble says IPv4 or IPv6 (DESIGN: anything else is a control message).</summary>
    public static bool IsIpPacket(byte first) => (first >> 4) is 4 or 6;

    /// <summary>
    /// The packet's real length from its header (WireGuard pads payloads to a multiple of 16 bytes),
    /// or -1 when the header is truncated or claims more bytes than there are.
    /// </summary>
    public static int DeclaredLength(ReadOnlySpan<byte> packet)
    {
        if (packet.IsEmpty)
        {
            return -1;
        }

        switch (packet[0] >> 4)
        {
            case 4:
                {
                    if (packet.Length < Ipv4HeaderSize)
                    {
                        return -1;
                    }

                    int total = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
                    return total < Ipv4HeaderSize || total > packet.Length ? -1 : total;
                }

            case 6:
                {
                    if (packet.Length < Ipv6HeaderSize)
                    {
                        return -1;
                    }

                    var total = Ipv6HeaderSize + BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
                    return total > packet.Length ? -1 : total;
                }

            default:
                return -1;
        }
    }

    /// <summary>Reads the destination address; false when the packet is too short or not IP.</summary>
    public static bool TryGetDestination(ReadOnlySpan<byte> packet, out bool isIpv6, out UInt128 address)
        => TryGetAddress(packet, source: false, out isIpv6, out address);

    /// <summary>Reads the source address; false when the packet is too short or not IP.</summary>
    public static bool TryGetSource(ReadOnlySpan<byte> packet, out bool isIpv6, out UInt128 address)
        => TryGetAddress(packet, source: true, out isIpv6, out address);

    private static bool TryGetAddress(ReadOnlySpan<byte> packet, bool source, out bool isIpv6, out UInt128 address)
    {
        if (!packet.IsEmpty)
        {
            switch (packet[0] >> 4)
            {
                case 4 when packet.Length >= Ipv4HeaderSize:
                    isIpv6 = false;
                    address = BinaryPrimitives.ReadUInt32BigEndian(packet[(source ? 12 : 16)..]);
                    return true;
                case 6 when packet.Length >= Ipv6HeaderSize:
                    isIpv6 = true;
                    address = BinaryPrimitives.ReadUInt128BigEndian(packet[(source ? 8 : 24)..]);
                    return true;
            }
        }

        isIpv6 = false;
        address = default;
        return false;
    }
}
