using System.Buffers.Binary;
using System.Net;

namespace Weft.Platform.Tests;

/// <summary>
/// Hand-built ICMP and ICMPv6 echo requests (with correct checksums) and a parser for the
/// kernel's echo replies, so that a TUN test can make the kernel answer without any program.
/// </summary>
internal static class IcmpEcho
{
    public const int PayloadLength = 32;

    /// <summary>IPv4 header (20 bytes, no options) + ICMP echo request (type 8).</summary>
    public static byte[] Ipv4Request(IPAddress source, IPAddress destination, ushort id, ushort sequence)
    {
        var packet = new byte[20 + 8 + PayloadLength];
        packet[0] = 0x45;                                             // version 4, IHL 5
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), 0x1234); // identification
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), 0x4000); // DF
        packet[8] = 64;                                               // TTL
        packet[9] = 1;                                                // ICMP
        source.TryWriteBytes(packet.AsSpan(12, 4), out _);
        destination.TryWriteBytes(packet.AsSpan(16, 4), out _);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(10), Checksum(packet.AsSpan(0, 20), 0));

        var icmp = packet.AsSpan(20);
        icmp[0] = 8;                                                  // echo request
        BinaryPrimitives.WriteUInt16BigEndian(icmp[4..], id);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[6..], sequence);
        FillPayload(icmp[8..]);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], Checksum(icmp, 0));
        return packet;
    }

    /// <summary>IPv6 header (40 bytes) + ICMPv6 echo request (type 128), checksum over the pseudo-header.</summary>
    public static byte[] Ipv6Request(IPAddress source, IPAddress destination, ushort id, ushort sequence)
    {
        var packet = new byte[40 + 8 + PayloadLength];
        packet[0] = 0x60;                                             // version 6
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), 8 + PayloadLength);
        packet[6] = 58;                                               // next header ICMPv6
        packet[7] = 64;                                               // hop limit
        source.TryWriteBytes(packet.AsSpan(8, 16), out _);
        destination.TryWriteBytes(packet.AsSpan(24, 16), out _);

        var icmp = packet.AsSpan(40);
        icmp[0] = 128;                                                // echo request
        BinaryPrimitives.WriteUInt16BigEndian(icmp[4..], id);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[6..], sequence);
        FillPayload(icmp[8..]);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], Checksum(icmp, Ipv6PseudoHeaderSum(packet, icmp.Length)));
        return packet;
    }

    /// <summary>True if <paramref name="packet"/> is an IPv4 ICMP echo reply (type 0) with this id and sequence, a valid checksum and our payload.</summary>
    public static bool IsIpv4Reply(ReadOnlySpan<byte> packet, IPAddress from, IPAddress to, ushort id, ushort sequence)
    {
        if (packet.Length < 20 || packet[0] >> 4 != 4 || packet[9] != 1)
        {
            return false;
        }

        int ihl = (packet[0] & 0xf) * 4;
        var icmp = packet[ihl..];
        return icmp.Length == 8 + PayloadLength
            && new IPAddress(packet.Slice(12, 4)).Equals(from)
            && new IPAddress(packet.Slice(16, 4)).Equals(to)
            && icmp[0] == 0 && icmp[1] == 0
            && BinaryPrimitives.ReadUInt16BigEndian(icmp[4..]) == id
            && BinaryPrimitives.ReadUInt16BigEndian(icmp[6..]) == sequence
            && Checksum(icmp, 0) == 0
            && PayloadMatches(icmp[8..]);
    }

    /// <summary>True if <paramref name="packet"/> is an ICMPv6 echo reply (type 129) with this id and sequence, a valid checksum and our payload.</summary>
    public static bool IsIpv6Reply(ReadOnlySpan<byte> packet, IPAddress from, IPAddress to, ushort id, ushort sequence)
    {
        if (packet.Length < 48 || packet[0] >> 4 != 6 || packet[6] != 58)
        {
            return false;
        }

        var icmp = packet[40..];
        return icmp.Length == 8 + PayloadLength
            && new IPAddress(packet.Slice(8, 16)).Equals(from)
            && new IPAddress(packet.Slice(24, 16)).Equals(to)
            && icmp[0] == 129 && icmp[1] == 0
            && BinaryPrimitives.ReadUInt16BigEndian(icmp[4..]) == id
            && BinaryPrimitives.ReadUInt16BigEndian(icmp[6..]) == sequence
            && Checksum(icmp, Ipv6PseudoHeaderSum(packet, icmp.Length)) == 0
            && PayloadMatches(icmp[8..]);
    }

    /// <summary>RFC 1071 Internet checksum of <paramref name="data"/>, starting from a partial sum.</summary>
    public static ushort Checksum(ReadOnlySpan<byte> data, uint initial)
    {
        ulong sum = initial;
        int i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        if (i < data.Length)
        {
            sum += (uint)data[i] << 8;
        }

        while (sum >> 16 != 0)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return (ushort)~sum;
    }

    /// <summary>Sum of the IPv6 pseudo-header: source, destination, upper-layer length, next header 58.</summary>
    private static uint Ipv6PseudoHeaderSum(ReadOnlySpan<byte> packet, int upperLength)
    {
        uint sum = 0;
        for (int i = 8; i < 40; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(packet[i..]);
        }

        sum += (uint)upperLength >> 16;
        sum += (uint)upperLength & 0xffff;
        sum += 58;
        return sum;
    }

    private static void FillPayload(Span<byte> payload)
    {
        for (int i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)('a' + i % 26);
        }
    }

    private static bool PayloadMatches(ReadOnlySpan<byte> payload)
    {
        Span<byte> expected = stackalloc byte[PayloadLength];
        FillPayload(expected);
        return payload.SequenceEqual(expected);
    }
}
