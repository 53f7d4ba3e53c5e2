using System.Buffers.Binary;
using System.Net;

namespace Weft.Simulation.Tests;

/// <summary>IPv4/UDP packets as a node's TUN device would hand them over, for the simulated members' traffic.</summary>
internal static class TunPackets
{
    /// <summary>Writes an IPv4/UDP packet (header checksum set, UDP header zeroed) carrying <paramref name="payload"/>; returns its length.</summary>
    public static int WriteUdp4(Span<byte> destination, IPAddress source, IPAddress target, ReadOnlySpan<byte> payload)
    {
        var packet = destination[..(28 + payload.Length)];
        packet.Clear();
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], (ushort)packet.Length);
        packet[8] = 64;
        packet[9] = 17;
        source.TryWriteBytes(packet[12..], out _);
        target.TryWriteBytes(packet[16..], out _);
        uint sum = 0;
        for (var i = 0; i < 20; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(packet[i..]);
        }

        while (sum > 0xffff)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        BinaryPrimitives.WriteUInt16BigEndian(packet[10..], (ushort)~sum);
        payload.CopyTo(packet[28..]);
        return packet.Length;
    }
}
