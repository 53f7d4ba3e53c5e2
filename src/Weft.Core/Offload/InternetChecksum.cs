using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Weft.Core.Offload;

/// <summary>
/// The Internet checksum (RFC 1071): the 16-bit one's-complement sum of the data taken as big-endian 16-bit words
/// (an odd last byte is padded with a zero), complemented. Used for IPv4 headers and TCP/UDP checksums, so it runs
/// over every byte of every packet the offload code touches and is written for speed: 32 bytes per step widened into
/// 64-bit lanes with Vector256, or 8 bytes per step in 64-bit accumulators.
/// </summary>
/// <remarks>
/// <para>Partial sums are <see cref="uint"/> values in network-word terms (what you get adding big-endian 16-bit words),
/// not yet folded; add them, then <see cref="Fold"/> and complement (<see cref="Finish"/>). Data given to
/// <see cref="Add"/> must start at an even offset of the checksummed region (headers always do).</para>
/// <para>The one's-complement sum does not depend on byte order (RFC 1071 §2(B)): the loops add native little-endian
/// words and swap the folded 16-bit result once.</para>
/// </remarks>
public static class InternetChecksum
{
    /// <summary>Adds the 16-bit words of <paramref name="data"/> to the partial sum <paramref name="sum"/>.</summary>
    public static uint Add(ReadOnlySpan<byte> data, uint sum = 0)
    {
        ulong native = SumNative(data);
        // Fold the native-order sum to 16 bits, then turn it into network-word terms.
        ushort folded = FoldNative(native);
        if (BitConverter.IsLittleEndian)
        {
            folded = BinaryPrimitives.ReverseEndianness(folded);
        }

        return Fold32(sum + folded);
    }

    /// <summary>Folds a partial sum to 16 bits (end-around carry).</summary>
    public static ushort Fold(uint sum)
    {
        sum = (sum & 0xffff) + (sum >> 16);
        sum = (sum & 0xffff) + (sum >> 16);
        return (ushort)sum;
    }

    /// <summary>The checksum to store: the complement of the folded sum.</summary>
    public static ushort Finish(uint sum) => (ushort)~Fold(sum);

    /// <summary>The checksum of <paramref name="data"/> (for an IPv4 header: with its checksum field zeroed).</summary>
    public static ushort Compute(ReadOnlySpan<byte> data) => Finish(Add(data));

    /// <summary>The partial sum of the IPv4 pseudo-header: source, destination, zero, protocol, L4 length.</summary>
    public static uint PseudoHeaderSum4(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, byte protocol, int l4Length)
    {
        uint sum = (uint)(BinaryPrimitives.ReadUInt16BigEndian(source) + BinaryPrimitives.ReadUInt16BigEndian(source[2..]));
        sum += (uint)(BinaryPrimitives.ReadUInt16BigEndian(destination) + BinaryPrimitives.ReadUInt16BigEndian(destination[2..]));
        return sum + protocol + (uint)l4Length;
    }

    /// <summary>The partial sum of the IPv6 pseudo-header: source, destination, 32-bit L4 length, next header.</summary>
    public static uint PseudoHeaderSum6(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, byte protocol, int l4Length)
    {
        uint sum = Add(source[..16]);
        sum = Add(destination[..16], sum);
        return Fold32(sum + protocol + (uint)(l4Length >> 16) + (uint)(l4Length & 0xffff));
    }

    /// <summary>The pseudo-header partial sum of an IP packet (version from its first byte), for protocol and L4 length.</summary>
    public static uint PseudoHeaderSum(ReadOnlySpan<byte> ipPacket, byte protocol, int l4Length) =>
        (ipPacket[0] >> 4) == 4
            ? PseudoHeaderSum4(ipPacket.Slice(12, 4), ipPacket.Slice(16, 4), protocol, l4Length)
            : PseudoHeaderSum6(ipPacket.Slice(8, 16), ipPacket.Slice(24, 16), protocol, l4Length);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Fold32(uint sum) => (sum & 0xffff) + (sum >> 16);

    private static ushort FoldNative(ulong sum)
    {
        sum = (sum & 0xffffffff) + (sum >> 32);
        sum = (sum & 0xffffffff) + (sum >> 32);
        uint s = (uint)sum;
        s = (s & 0xffff) + (s >> 16);
        s = (s & 0xffff) + (s >> 16);
        return (ushort)s;
    }

    // The sum of the data as native-order 32-bit words, in 64 bits (cannot overflow below 2^32 words).
    private static ulong SumNative(ReadOnlySpan<byte> data)
    {
        ulong sum = 0;
        ref byte start = ref MemoryMarshal.GetReference(data);
        int length = data.Length;
        int i = 0;

        if (Vector256.IsHardwareAccelerated && length >= 64)
        {
            Vector256<ulong> acc0 = Vector256<ulong>.Zero, acc1 = Vector256<ulong>.Zero;
            for (; i <= length - 32; i += 32)
            {
                var words = Vector256.LoadUnsafe(ref Unsafe.Add(ref start, i)).AsUInt32();
                var (low, high) = Vector256.Widen(words);
                acc0 += low;
                acc1 += high;
            }

            acc0 += acc1;
            // Each lane grows by < 2^32 per 32 bytes: below 2^58 for any span (< 2^31 bytes), so nothing overflows.
            sum = Vector256.Sum(acc0);
        }
        else if (Vector128.IsHardwareAccelerated && length >= 32)
        {
            Vector128<ulong> acc0 = Vector128<ulong>.Zero, acc1 = Vector128<ulong>.Zero;
            for (; i <= length - 16; i += 16)
            {
                var words = Vector128.LoadUnsafe(ref Unsafe.Add(ref start, i)).AsUInt32();
                var (low, high) = Vector128.Widen(words);
                acc0 += low;
                acc1 += high;
            }

            acc0 += acc1;
            sum = Vector128.Sum(acc0);
        }

        for (; i <= length - 8; i += 8)
        {
            ulong v = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i));
            sum += (v & 0xffffffff) + (v >> 32);
        }

        if (i <= length - 4)
        {
            sum += Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, i));
            i += 4;
        }

        if (i <= length - 2)
        {
            sum += Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref start, i));
            i += 2;
        }

        if (i < length)
        {
            // The odd last byte is the high half of a big-endian word padded with zero.
            byte last = Unsafe.Add(ref start, i);
            sum += BitConverter.IsLittleEndian ? last : (ulong)last << 8;
        }

        return sum;
    }
}
