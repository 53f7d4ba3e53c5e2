using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Weft.Core.Identity;

/// <summary>
/// A node's name on the mesh that does not depend on any address: the first 16 bytes of
/// SHA-256("weft node id" || the node's X25519 session public key). Routing adverts and relay
/// envelopes address nodes by it. Printed as 32 lowercase hex digits.
/// </summary>
public readonly struct NodeId : IEquatable<NodeId>
{
    public const int Size = 16;

    private static ReadOnlySpan<byte> Context => "weft node id"u8;

    private readonly ulong high;
    private readonly ulong low;

    private NodeId(ulong high, ulong low)
    {
        this.high = high;
        this.low = low;
    }

    /// <summary>The node ID of the node whose X25519 public key this is (32 bytes).</summary>
    public static NodeId FromSessionKey(ReadOnlySpan<byte> x25519Public)
    {
        if (x25519Public.Length != 32)
        {
            throw new ArgumentException($"An X25519 public key is 32 bytes, not {x25519Public.Length}.", nameof(x25519Public));
        }

        Span<byte> input = stackalloc byte[12 + 32];
        Context.CopyTo(input);
        x25519Public.CopyTo(input[Context.Length..]);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        return FromBytes(hash[..Size]);
    }

    /// <summary>A node ID from its 16 bytes as carried on the wire.</summary>
    public static NodeId FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"A node ID is {Size} bytes, not {bytes.Length}.", nameof(bytes));
        }

        return new NodeId(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
    }

    /// <summary>Parses the 32-hex-digit form printed by <see cref="ToString"/>.</summary>
    public static bool TryParse(string? text, out NodeId id)
    {
        id = default;
        Span<byte> bytes = stackalloc byte[Size];
        if (text is null || text.Length != Size * 2
            || Convert.FromHexString(text, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != Size)
        {
            return false;
        }

        id = FromBytes(bytes);
        return true;
    }

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, high);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], low);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        WriteTo(bytes);
        return bytes;
    }

    public bool Equals(NodeId other) => high == other.high && low == other.low;

    public override bool Equals(object? obj) => obj is NodeId other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(high, low);

    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Size];
        WriteTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    public static bool operator ==(NodeId left, NodeId right) => left.Equals(right);

    public static bool operator !=(NodeId left, NodeId right) => !left.Equals(right);
}
