using System.Buffers.Binary;

namespace Weft.Core.Crypto;

/// <summary>
/// TAI64N timestamps as the WireGuard handshake initiation carries them (WireGuard paper section 5.4.2):
/// a responder accepts an initiation only if its timestamp is greater than the last one seen from that
/// peer, which defeats replay. Compare two timestamps as 12-byte big-endian numbers
/// (<c>SequenceCompareTo</c>).
/// </summary>
/// <remarks>
/// <code>
///  0                               8                   12
/// +-------------------------------+-------------------+
/// | 0x400000000000000A + seconds  | nanoseconds       |
/// | since 1970-01-01 UTC, 64-bit  | 0..999,999,999,   |
/// | big-endian                    | 32-bit big-endian |
/// +-------------------------------+-------------------+
/// </code>
/// The label is TAI64's 2^62 plus 10 seconds (the TAI-UTC offset in 1972; later leap seconds are ignored),
/// the value both WireGuard implementations write: the Linux kernel's noise.c (tai64n_now) and
/// wireguard-go's tai64n package use base 0x400000000000000a + Unix seconds. Those implementations also
/// round the nanoseconds down to a multiple of 2^24 ns to hide clock detail; <see cref="Write"/> does not,
/// so successive times stay distinct. Resolution is that of <see cref="DateTimeOffset"/> (100 ns).
/// </remarks>
public static class Tai64N
{
    /// <summary>Size of a timestamp, in bytes.</summary>
    public const int Size = 12;

    /// <summary>2^62 + 10: the TAI64 label of 1970-01-01 00:00:00 UTC as WireGuard counts it.</summary>
    public const ulong Base = 0x400000000000000AUL;

    /// <summary>Writes the TAI64N form of <paramref name="time"/> to the first 12 bytes of <paramref name="destination"/>.</summary>
    public static void Write(DateTimeOffset time, Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException("A TAI64N timestamp needs 12 bytes.", nameof(destination));
        }

        long ticksSinceEpoch = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        long seconds = Math.DivRem(ticksSinceEpoch, TimeSpan.TicksPerSecond, out long remainderTicks);
        if (remainderTicks < 0)
        {
            seconds--;
            remainderTicks += TimeSpan.TicksPerSecond;
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, unchecked(Base + (ulong)seconds));
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], (uint)(remainderTicks * TimeSpan.NanosecondsPerTick));
    }
}
