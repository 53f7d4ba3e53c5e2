using System.Buffers.Binary;

namespace Weft.Core.Paths;

/// <summary>
/// The path probe (control message 0x02), sent inside a session to one particular endpoint of the
/// peer. The peer answers with a <see cref="PongMessage"/> sent back to the endpoint the ping came from.
/// </summary>
/// <remarks>
/// <code>
///  0      1              4                              12
///  +------+--------------+------------------------------+
///  | 0x02 | reserved (0) |  probe id (u64, big-endian)  |   (then WireGuard's zero padding)
///  +------+--------------+------------------------------+
/// </code>
/// The probe id is chosen by the sender and only means something to it. Readers ignore the reserved
/// bytes and anything after byte 12 (padding; later versions may append fields).
/// </remarks>
public static class PingMessage
{
    public const byte Type = 0x02;
    public const int Size = 12;

    public static void Write(Span<byte> destination, ulong probeId)
    {
        destination[..Size].Clear();
        destination[0] = Type;
        BinaryPrimitives.WriteUInt64BigEndian(destination[4..], probeId);
    }

    public static bool TryRead(ReadOnlySpan<byte> message, out ulong probeId)
    {
        probeId = 0;
        if (message.Length < Size || message[0] != Type)
        {
            return false;
        }

        probeId = BinaryPrimitives.ReadUInt64BigEndian(message[4..]);
        return true;
    }
}
