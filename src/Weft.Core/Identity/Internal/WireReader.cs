using System.Buffers.Binary;
using System.Net;

namespace Weft.Core.Identity.Internal;

/// <summary>
/// Reads the identity formats field by field. Every method returns false instead of throwing
/// when the input is short or a field breaks its rule; <see cref="Error"/> then says which field.
/// </summary>
internal ref struct WireReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> data = data;

    public int Position { get; private set; }

    public readonly int Remaining => data.Length - Position;

    public string Error { get; private set; } = "";

    public bool Fail(string error)
    {
        Error = error;
        return false;
    }

    public bool Byte(string field, out byte value)
    {
        if (Remaining < 1)
        {
            value = 0;
            return Fail($"truncated: {field} is missing");
        }

        value = data[Position++];
        return true;
    }

    public bool Bytes(string field, int count, out ReadOnlySpan<byte> value)
    {
        if (Remaining < count)
        {
            value = default;
            return Fail($"truncated: {field} needs {count} bytes, {Remaining} left");
        }

        value = data.Slice(Position, count);
        Position += count;
        return true;
    }

    public bool UInt16(string field, out int value)
    {
        value = 0;
        if (!Bytes(field, 2, out var span))
        {
            return false;
        }

        value = BinaryPrimitives.ReadUInt16BigEndian(span);
        return true;
    }

    public bool Int64(string field, out long value)
    {
        value = 0;
        if (!Bytes(field, 8, out var span))
        {
            return false;
        }

        value = BinaryPrimitives.ReadInt64BigEndian(span);
        return true;
    }

    /// <summary>Unix seconds that a <see cref="DateTimeOffset"/> can hold.</summary>
    public bool UnixSeconds(string field, out DateTimeOffset value)
    {
        value = default;
        if (!Int64(field, out var seconds))
        {
            return false;
        }

        if (seconds < DateTimeOffset.MinValue.ToUnixTimeSeconds() || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return Fail($"{field} is out of range");
        }

        value = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return true;
    }

    /// <summary>A length byte and that many bytes, checked by <paramref name="rule"/>.</summary>
    public bool ShortText(string field, TextRule rule, out string value)
    {
        value = "";
        if (!Byte(field + " length", out var length) || !Bytes(field, length, out var bytes))
        {
            return false;
        }

        if (!rule.IsValid(bytes, out var why))
        {
            return Fail($"{field} {why}");
        }

        value = System.Text.Encoding.ASCII.GetString(bytes);
        return true;
    }

    /// <summary>A count byte (at most <paramref name="max"/>) and that many texts.</summary>
    public bool TextList(string field, TextRule rule, int max, out string[] values)
    {
        values = [];
        if (!Byte(field + " count", out var count))
        {
            return false;
        }

        if (count > max)
        {
            return Fail($"too many {field}s: {count}, at most {max}");
        }

        var list = new string[count];
        for (var i = 0; i < count; i++)
        {
            if (!ShortText(field, rule, out list[i]))
            {
                return false;
            }
        }

        values = list;
        return true;
    }

    /// <summary>A network: family (4 or 6), prefix length, address bytes with no bits past the prefix.</summary>
    public bool Network(string field, out IPNetwork value)
    {
        value = default;
        if (!Byte(field + " family", out var family) || !Byte(field + " prefix length", out var prefix))
        {
            return false;
        }

        var size = family switch { 4 => 4, 6 => 16, _ => 0 };
        if (size == 0)
        {
            return Fail($"{field} has unknown address family {family}");
        }

        if (prefix > size * 8)
        {
            return Fail($"{field} prefix length {prefix} is too long");
        }

        if (!Bytes(field, size, out var address))
        {
            return false;
        }

        if (!IpBits.HostBitsZero(address, prefix))
        {
            return Fail($"{field} has address bits set past its /{prefix} prefix");
        }

        value = new IPNetwork(new IPAddress(address), prefix);
        return true;
    }

    public bool NoTrailingBytes(string what) =>
        Remaining == 0 || Fail($"{Remaining} trailing bytes after the {what}");
}
