using System.Buffers.Binary;
using System.Net;

namespace Weft.Core.Tests.Node;

/// <summary>Hand-built IP packets (UDP payload inside) for the node tests.</summary>
internal static class TestPackets
{
    /// <summary>An IPv4/UDP packet with a valid header checksum and <paramref name="payloadLength"/> bytes of pattern.</summary>
    public static byte[] Ipv4(IPAddress source, IPAddress destination, int payloadLength, byte seed = 0)
    {
        var packet = new byte[20 + 8 + payloadLength];
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), 0x1234);
        packet[8] = 64;
        packet[9] = 17;
        source.TryWriteBytes(packet.AsSpan(12, 4), out _);
        destination.TryWriteBytes(packet.AsSpan(16, 4), out _);
        uint sum = 0;
        for (var i = 0; i < 20; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(i));
        }

        while (sum > 0xffff)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(10), (ushort)~sum);
        WriteUdp(packet.AsSpan(20), payloadLength, seed);
        return packet;
    }

    /// <summary>An IPv6/UDP packet with <paramref name="payloadLength"/> bytes of pattern (UDP checksum left zero).</summary>
    public static byte[] Ipv6(IPAddress source, IPAddress destination, int payloadLength, byte seed = 0)
    {
        var packet = new byte[40 + 8 + payloadLength];
        packet[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)(8 + payloadLength));
        packet[6] = 17;
        packet[7] = 64;
        source.TryWriteBytes(packet.AsSpan(8, 16), out _);
        destination.TryWriteBytes(packet.AsSpan(24, 16), out _);
        WriteUdp(packet.AsSpan(40), payloadLength, seed);
        return packet;
    }

    private static void WriteUdp(Span<byte> udp, int payloadLength, byte seed)
    {
        BinaryPrimitives.WriteUInt16BigEndian(udp, 40000);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], 7);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)(8 + payloadLength));
        for (var i = 0; i < payloadLength; i++)
        {
            udp[8 + i] = (byte)(seed + i);
        }
    }
}
