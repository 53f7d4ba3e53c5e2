using System.Buffers.Binary;
using Weft.Core.Crypto;
using static Weft.Core.WireGuard.WireGuardMessages;

namespace Weft.Core.WireGuard;

/// <summary>
/// Seals a transport data message (type 4) in place around a payload; the layout is drawn in
/// <see cref="WireGuardMessages"/>. Allocation-free.
/// </summary>
internal static class TransportMessage
{
    /// <summary>
    /// Writes the header into the 16 bytes before <paramref name="offset"/>, zero-pads the payload to
    /// a multiple of 16 and encrypts it in place; returns the message as a slice of <paramref name="buffer"/>.
    /// </summary>
    public static Span<byte> Seal(ChaCha20Poly1305Key key, uint receiverIndex, ulong counter, Span<byte> buffer, int offset, int length)
    {
        var padded = PaddedLength(length);
        buffer.Slice(offset + length, padded - length).Clear();
        var start = offset - TransportHeaderSize;
        var header = buffer.Slice(start, TransportHeaderSize);
        WriteType(header, TypeTransport);
        BinaryPrimitives.WriteUInt32LittleEndian(header[TransportReceiverOffset..], receiverIndex);
        BinaryPrimitives.WriteUInt64LittleEndian(header[TransportCounterOffset..], counter);
        key.Seal(counter, buffer.Slice(offset, padded), buffer.Slice(offset, padded + TagSize));
        return buffer.Slice(start, TransportHeaderSize + padded + TagSize);
    }

    /// <summary>
    /// The length of the real packet inside a decrypted, padded payload: an IPv4/IPv6 packet's
    /// header length, or the whole payload for anything else. -1 if an IP header claims more than is there.
    /// </summary>
    public static int InnerLength(ReadOnlySpan<byte> plaintext)
    {
        switch (plaintext[0] >> 4)
        {
            case 4:
                if (plaintext.Length < 20)
                {
                    return -1;
                }

                var v4 = BinaryPrimitives.ReadUInt16BigEndian(plaintext[2..]);
                return v4 <= plaintext.Length ? v4 : -1;
            case 6:
                if (plaintext.Length < 40)
                {
                    return -1;
                }

                var v6 = 40 + BinaryPrimitives.ReadUInt16BigEndian(plaintext[4..]);
                return v6 <= plaintext.Length ? v6 : -1;
            default:
                return plaintext.Length;
        }
    }
}
