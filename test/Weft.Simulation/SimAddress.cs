using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Weft.Simulation;

/// <summary>
/// An IPv4 or IPv6 address as two integers, so the per-packet path compares and hashes addresses
/// without allocating (<see cref="IPAddress"/> is a class). IPv4 lives in the low 32 bits of
/// <see cref="Low"/>; IPv4-mapped IPv6 addresses are folded to IPv4, as a dual-stack socket reports them.
/// </summary>
[StructLayout(LayoutKind.Auto)]
internal readonly record struct SimAddress(ulong High, ulong Low, bool IsV6)
{
    public static SimAddress FromV4(uint value) => new(0, value, false);

    public static SimAddress From(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        if (written == 4)
        {
            return FromV4(BinaryPrimitives.ReadUInt32BigEndian(bytes));
        }

        var high = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        var low = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        if (high == 0 && (low >> 32) == 0xFFFF)
        {
            return FromV4((uint)low);
        }

        return new SimAddress(high, low, true);
    }

    public AddressFamily Family => IsV6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;

    public int HeaderOverhead => IsV6 ? 48 : 28;   // IP + UDP header bytes on the wire

    public IPAddress ToIPAddress()
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!IsV6)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)Low);
            return new IPAddress(bytes[..4]);
        }

        BinaryPrimitives.WriteUInt64BigEndian(bytes, High);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], Low);
        return new IPAddress(bytes);
    }

    /// <summary>The address <paramref name="offset"/> places further on (host numbering inside a prefix).</summary>
    public SimAddress Add(ulong offset) => new(High, Low + offset, IsV6);

    public override string ToString() => ToIPAddress().ToString();
}
