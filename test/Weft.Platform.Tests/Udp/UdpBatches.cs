using System.Net;
using System.Net.Sockets;
using Weft.Core.Net;

namespace Weft.Platform.Tests.Udp;

/// <summary>Builders and checkers for the UDP batching tests: numbered datagrams whose bytes say which one they are.</summary>
internal static class UdpBatches
{
    /// <summary>Where each datagram starts in its slot, as the WireGuard header room leaves it.</summary>
    public const int OffsetInSlot = 16;

    /// <summary>The byte at <paramref name="index"/> of datagram number <paramref name="number"/>.</summary>
    public static byte Pattern(int number, int index) => (byte)((number * 31) + (index * 7) + 5);

    /// <summary>A batch holding datagrams numbered <paramref name="firstNumber"/>.. with the given lengths.</summary>
    public static PacketBatch Build(IReadOnlyList<int> lengths, int firstNumber = 0)
    {
        int largest = 1;
        foreach (var length in lengths)
        {
            largest = Math.Max(largest, length);
        }

        var batch = new PacketBatch(lengths.Count, OffsetInSlot + largest + 32);
        Fill(batch, lengths, firstNumber);
        return batch;
    }

    /// <summary>Rewrites <paramref name="batch"/> with datagrams numbered <paramref name="firstNumber"/>..</summary>
    public static void Fill(PacketBatch batch, IReadOnlyList<int> lengths, int firstNumber)
    {
        for (int i = 0; i < lengths.Count; i++)
        {
            batch.Set(i, OffsetInSlot, lengths[i]);
            var packet = batch.Packet(i);
            for (int j = 0; j < packet.Length; j++)
            {
                packet[j] = Pattern(firstNumber + i, j);
            }
        }

        batch.Count = lengths.Count;
    }

    /// <summary>True when <paramref name="datagram"/> is exactly datagram <paramref name="number"/> of <paramref name="length"/> bytes.</summary>
    public static bool Matches(ReadOnlySpan<byte> datagram, int number, int length)
    {
        if (datagram.Length != length)
        {
            return false;
        }

        for (int j = 0; j < datagram.Length; j++)
        {
            if (datagram[j] != Pattern(number, j))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A plain kernel socket bound to <paramref name="loopback"/>, with a big buffer and a receive timeout.</summary>
    public static Socket PlainReceiver(IPAddress loopback)
    {
        var socket = new Socket(loopback.AddressFamily, SocketType.Dgram, ProtocolType.Udp)
        {
            ReceiveBufferSize = 8 * 1024 * 1024,
            ReceiveTimeout = 5000,
        };
        socket.Bind(new IPEndPoint(loopback, 0));
        return socket;
    }
}
