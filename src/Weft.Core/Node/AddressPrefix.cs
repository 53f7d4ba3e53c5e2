using System.Net;
using System.Net.Sockets;

namespace Weft.Core.Node;

/// <summary>
/// An IPv4 or IPv6 prefix in the form the packet path compares against without allocating:
/// the address as a number (IPv4 in the low 32 bits) and a prefix length.
/// </summary>
internal readonly record struct AddressPrefix(bool IsIpv6, UInt128 Bits, int Length)
{
    public int Width => IsIpv6 ? 128 : 32;

    public bool IsHost => Length == Width;

    public bool Contains(bool isIpv6, UInt128 address)
    {
        if (isIpv6 != IsIpv6)
        {
            return false;
        }

        if (Length == 0)
        {
            return true;
        }

        var shift = Width - Length;
        return (address >> shift) == (Bits >> shift);
    }

    public static AddressPrefix From(IPNetwork network) => From(network.BaseAddress, network.PrefixLength);

    public static AddressPrefix From(IPAddress address, int prefixLength)
    {
        var (isIpv6, bits) = ToNumber(address);
        var width = isIpv6 ? 128 : 32;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, width);
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        var shift = width - prefixLength;
        var masked = prefixLength == 0 ? UInt128.Zero : (bits >> shift) << shift;
        return new AddressPrefix(isIpv6, masked, prefixLength);
    }

    public static AddressPrefix Host(IPAddress address)
    {
        var (isIpv6, bits) = ToNumber(address);
        return new AddressPrefix(isIpv6, bits, isIpv6 ? 128 : 32);
    }

    /// <summary>An address as a number; IPv4-mapped IPv6 addresses count as IPv4.</summary>
    public static (bool IsIpv6, UInt128 Bits) ToNumber(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(bytes, out _);
            return (false, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes));
        }

        address.TryWriteBytes(bytes, out _);
        return (true, System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes));
    }

    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[16];
        IPAddress address;
        if (IsIpv6)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(bytes, Bits);
            address = new IPAddress(bytes);
        }
        else
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)Bits);
            address = new IPAddress(bytes[..4]);
        }

        return $"{address}/{Length}";
    }
}
