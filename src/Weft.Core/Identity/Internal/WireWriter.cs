using System.Buffers;
using System.Buffers.Binary;

namespace Weft.Core.Identity.Internal;

/// <summary>
/// Appends the big-endian fixed fields and length-prefixed fields of the identity formats
/// (certificates, join requests, key files). Not for the packet path: it grows an array.
/// </summary>
internal sealed class WireWriter
{
    private readonly ArrayBufferWriter<byte> buffer = new(256);

    public int Length => buffer.WrittenCount;

    public ReadOnlySpan<byte> Written => buffer.WrittenSpan;

    public void Byte(int value) => buffer.Write([checked((byte)value)]);

    public void Bytes(ReadOnlySpan<byte> value) => buffer.Write(value);

    public void Int64(long value)
    {
        Span<byte> span = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(span, value);
        buffer.Write(span);
    }

    public void UInt16(int value)
    {
        Span<byte> span = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(span, checked((ushort)value));
        buffer.Write(span);
    }

    /// <summary>One length byte, then the ASCII bytes (callers validate the text first).</summary>
    public void ShortAscii(string value)
    {
        Byte(value.Length);
        Span<byte> span = stackalloc byte[value.Length];
        for (var i = 0; i < value.Length; i++)
        {
            span[i] = checked((byte)value[i]);
        }

        buffer.Write(span);
    }

    public byte[] ToArray() => buffer.WrittenSpan.ToArray();
}
