using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Weft.Platform.Udp;

/// <summary>
/// Writes the Linux sockaddr_in6 that the dual-stack UDP socket sends to, straight into caller memory (the stack),
/// so a send needs no <see cref="SocketAddress"/> object. IPv4 destinations become IPv4-mapped (::ffff:a.b.c.d).
/// </summary>
/// <remarks>
/// <code>
///  0        2        4                 8                                   24                28
///  +--------+--------+-----------------+-----------------------------------+-----------------+
///  | family | port   | flow info = 0   | address (16 bytes, network order) | scope id (u32)  |
///  | 10, LE | (BE)   |                 |                                   | host order      |
///  +--------+--------+-----------------+-----------------------------------+-----------------+
/// </code>
/// </remarks>
internal static class SocketAddressIn6
{
    /// <summary>sizeof(struct sockaddr_in6).</summary>
    public const int Size = 28;

    private const ushort AfInet6 = 10;

    /// <summary>Fills the first <see cref="Size"/> bytes of <paramref name="destination"/> with <paramref name="endPoint"/>.</summary>
    public static void Write(Span<byte> destination, IPEndPoint endPoint)
    {
        var name = destination[..Size];
        name.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(name, AfInet6); // sa_family, host order (little-endian on x86_64 and arm64)
        BinaryPrimitives.WriteUInt16BigEndian(name[2..], (ushort)endPoint.Port);
        var address = endPoint.Address;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            name[18] = 0xff;
            name[19] = 0xff;
            address.TryWriteBytes(name[20..24], out _);
        }
        else
        {
            address.TryWriteBytes(name[8..24], out _);
            BinaryPrimitives.WriteUInt32LittleEndian(name[24..], (uint)address.ScopeId);
        }
    }
}
