using System.Buffers.Binary;
using Weft.Core.Identity;
using Weft.Core.Node;

namespace Weft.Core.Mesh;

/// <summary>
/// A relay envelope: a WireGuard message of an end-to-end session between two members that are
/// not neighbours, carried hop by hop inside the neighbours' own sessions. Relays read only the
/// header; the inner message stays encrypted end to end.
/// </summary>
/// <remarks>
/// <code>
///  0        1        2                  18                 34
///  +--------+--------+------------------+------------------+-------------------------------+
///  |  0x06  |  ttl   | destination (16) |   source (16)    | inner WireGuard message       |
///  +--------+--------+------------------+------------------+-------------------------------+
/// </code>
/// The envelope travels as a control message inside a WireGuard session, which pads its payload
/// with up to 15 zero bytes, so the inner length is recovered from the inner message's own type:
/// initiation 148, response 92, cookie reply 64 bytes; transport data (type 4) is always a
/// multiple of 16 bytes (16-byte header, ciphertext of a 16-byte-padded payload, 16-byte tag),
/// so it is the rest rounded down to a multiple of 16. Anything else is malformed.
/// A hop forwards only while ttl &gt; 0, decrementing it; ttl 0 on arrival at a relay is a counted drop.
/// </remarks>
public static class RelayEnvelope
{
    public const int HeaderSize = 34;
    public const byte DefaultTtl = 16;

    private const int TtlOffset = 1;
    private const int DestinationOffset = 2;
    private const int SourceOffset = 18;
    private const int InitiationSize = 148;
    private const int ResponseSize = 92;
    private const int CookieReplySize = 64;
    private const int TransportMinimumSize = 32;

    public static int SizeFor(int innerLength) => HeaderSize + innerLength;

    /// <summary>Writes the envelope; <paramref name="destination"/> needs <see cref="SizeFor"/> bytes. Returns the size.</summary>
    public static int Write(Span<byte> destination, byte ttl, NodeId to, NodeId from, ReadOnlySpan<byte> inner)
    {
        WriteHeader(destination, ttl, to, from);
        inner.CopyTo(destination[HeaderSize..]);
        return HeaderSize + inner.Length;
    }

    /// <summary>Writes only the header (when the inner message is already in place after it).</summary>
    public static void WriteHeader(Span<byte> destination, byte ttl, NodeId to, NodeId from)
    {
        destination[0] = (byte)ControlMessageType.RelayEnvelope;
        destination[TtlOffset] = ttl;
        to.WriteTo(destination[DestinationOffset..]);
        from.WriteTo(destination[SourceOffset..]);
    }

    /// <summary>
    /// Reads an envelope (padding allowed, see remarks). Never throws; false when it is truncated or
    /// the inner message is not a WireGuard message of a consistent length. Allocates nothing.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> message, out byte ttl, out NodeId to, out NodeId from, out int innerLength)
    {
        ttl = 0;
        to = default;
        from = default;
        innerLength = 0;
        if (message.Length < HeaderSize + 4 || message[0] != (byte)ControlMessageType.RelayEnvelope)
        {
            return false;
        }

        var rest = message.Length - HeaderSize;
        var inner = message[HeaderSize..];
        switch (BinaryPrimitives.ReadUInt32LittleEndian(inner))
        {
            case 1:
                innerLength = InitiationSize;
                break;
            case 2:
                innerLength = ResponseSize;
                break;
            case 3:
                innerLength = CookieReplySize;
                break;
            case 4:
                innerLength = rest & ~15;
                if (innerLength < TransportMinimumSize)
                {
                    return false;
                }

                break;
            default:
                return false;
        }

        if (innerLength > rest || rest - innerLength > 15 || inner[innerLength..].ContainsAnyExcept((byte)0))
        {
            innerLength = 0;
            return false;
        }

        ttl = message[TtlOffset];
        to = NodeId.FromBytes(message.Slice(DestinationOffset, NodeId.Size));
        from = NodeId.FromBytes(message.Slice(SourceOffset, NodeId.Size));
        return true;
    }

    /// <summary>Decrements the ttl in place (the caller checked it is above 0).</summary>
    public static void DecrementTtl(Span<byte> message) => message[TtlOffset]--;
}
