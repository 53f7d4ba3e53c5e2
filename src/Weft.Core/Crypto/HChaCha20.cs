using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Weft.Core.Crypto;

/// <summary>
/// HChaCha20 (draft-irtf-cfrg-xchacha section 2.2): derives a 32-byte subkey from a 32-byte key and a
/// 16-byte nonce, the first step of XChaCha20. Allocation-free.
/// </summary>
/// <remarks>
/// The ChaCha20 state with the nonce in place of block counter and nonce, then 20 rounds and no
/// final addition; the output is words 0..3 and 12..15, little-endian:
/// <code>
/// +------------+------------+------------+------------+
/// | "expa"     | "nd 3"     | "2-by"     | "te k"     |   words 0..3   -> output bytes 0..15
/// | key[0..3]  | key[4..7]  | key[8..11] | key[12..15]|   words 4..7
/// | key[16..19]| key[20..23]| key[24..27]| key[28..31]|   words 8..11
/// | nonce[0..3]| nonce[4..7]| nonce[8..11]| nonce[12..15]| words 12..15 -> output bytes 16..31
/// +------------+------------+------------+------------+
/// </code>
/// </remarks>
internal static class HChaCha20
{
    internal const int KeySize = 32;
    internal const int NonceSize = 16;
    internal const int OutputSize = 32;

    /// <summary>Writes HChaCha20(key, nonce16) to <paramref name="subkey"/> (32 bytes; may alias the inputs).</summary>
    internal static void DeriveSubkey(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce16, Span<byte> subkey)
    {
        if (key.Length != KeySize || nonce16.Length != NonceSize || subkey.Length != OutputSize)
        {
            throw new ArgumentException("HChaCha20 takes a 32-byte key and a 16-byte nonce and writes 32 bytes.");
        }

        // "expand 32-byte k" as four little-endian words (RFC 8439 section 2.3).
        uint x0 = 0x61707865u, x1 = 0x3320646Eu, x2 = 0x79622D32u, x3 = 0x6B206574u;
        uint x4 = BinaryPrimitives.ReadUInt32LittleEndian(key);
        uint x5 = BinaryPrimitives.ReadUInt32LittleEndian(key[4..]);
        uint x6 = BinaryPrimitives.ReadUInt32LittleEndian(key[8..]);
        uint x7 = BinaryPrimitives.ReadUInt32LittleEndian(key[12..]);
        uint x8 = BinaryPrimitives.ReadUInt32LittleEndian(key[16..]);
        uint x9 = BinaryPrimitives.ReadUInt32LittleEndian(key[20..]);
        uint x10 = BinaryPrimitives.ReadUInt32LittleEndian(key[24..]);
        uint x11 = BinaryPrimitives.ReadUInt32LittleEndian(key[28..]);
        uint x12 = BinaryPrimitives.ReadUInt32LittleEndian(nonce16);
        uint x13 = BinaryPrimitives.ReadUInt32LittleEndian(nonce16[4..]);
        uint x14 = BinaryPrimitives.ReadUInt32LittleEndian(nonce16[8..]);
        uint x15 = BinaryPrimitives.ReadUInt32LittleEndian(nonce16[12..]);

        for (int i = 0; i < 10; i++)
        {
            // Column round.
            QuarterRound(ref x0, ref x4, ref x8, ref x12);
            QuarterRound(ref x1, ref x5, ref x9, ref x13);
            QuarterRound(ref x2, ref x6, ref x10, ref x14);
            QuarterRound(ref x3, ref x7, ref x11, ref x15);

            // Diagonal round.
            QuarterRound(ref x0, ref x5, ref x10, ref x15);
            QuarterRound(ref x1, ref x6, ref x11, ref x12);
            QuarterRound(ref x2, ref x7, ref x8, ref x13);
            QuarterRound(ref x3, ref x4, ref x9, ref x14);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(subkey, x0);
        BinaryPrimitives.WriteUInt32LittleEndian(subkey[4..], x1);
        BinaryPrimitives.WriteUInt32LittleEndian(subkey[8..], x2);
        BinaryPrimitives.WriteUInt32LittleEndian(subkey[12..], x3);
        BinaryPrimitives.WriteUInt32LittleEndian(subkey[16..], x12);
        BinaryPrimitives.WriteUInt32LittleEndian(subkey[20..], x13);
        BinaryPrimitives.WriteUInt32LittleEndian(subkey[24..], x14);
        BinaryPrimitives.WriteUInt32LittleEndian(subkey[28..], x15);
    }

    // RFC 8439 section 2.1.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void QuarterRound(ref uint a, ref uint b, ref uint c, ref uint d)
    {
        a += b;
        d = BitOperations.RotateLeft(d ^ a, 16);
        c += d;
        b = BitOperations.RotateLeft(b ^ c, 12);
        a += b;
        d = BitOperations.RotateLeft(d ^ a, 8);
        c += d;
        b = BitOperations.RotateLeft(b ^ c, 7);
    }
}
