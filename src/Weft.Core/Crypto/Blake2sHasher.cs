using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Weft.Core.Crypto;

/// <summary>
/// Incremental BLAKE2s (RFC 7693) with an optional key of up to 32 bytes and a digest of 1..32 bytes.
/// A value type holding its whole state inline, so hashing allocates nothing. Create with
/// <see cref="Create"/>, feed with <see cref="Update"/>, read once with <see cref="Finish"/>.
/// </summary>
/// <remarks>
/// Parameter block word 0 (RFC 7693 section 2.5), the only non-zero word for sequential hashing:
/// <code>
///  byte 0        byte 1       byte 2   byte 3
/// +-------------+------------+--------+--------+
/// | digest size | key length | fanout | depth  |   = 0x0101kknn, XORed into h[0]
/// |   (nn)      |   (kk)     |  = 1   |  = 1   |
/// +-------------+------------+--------+--------+
/// </code>
/// A keyed hash processes the key zero-padded to one 64-byte block before the message.
/// The last block (possibly partial, zero-padded) is compressed with the final flag set,
/// so a full buffered block is held back until more data arrives or <see cref="Finish"/> is called.
/// </remarks>
public struct Blake2sHasher
{
    internal const int BlockSize = 64;

    private StateWords _h;
    private BlockBuffer _buffer;
    private ulong _counter;
    private int _buffered;
    private int _hashSize;

    /// <summary>Starts a hash producing <paramref name="hashSize"/> bytes, keyed with <paramref name="key"/> (0..32 bytes).</summary>
    public static Blake2sHasher Create(int hashSize, ReadOnlySpan<byte> key = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hashSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hashSize, Blake2s.MaxHashSize);
        if (key.Length > Blake2s.MaxKeySize)
        {
            throw new ArgumentException("BLAKE2s keys are at most 32 bytes.", nameof(key));
        }

        var hasher = default(Blake2sHasher);
        hasher._hashSize = hashSize;
        Span<uint> h = hasher._h;
        h[0] = Iv0 ^ 0x01010000u ^ ((uint)key.Length << 8) ^ (uint)hashSize;
        h[1] = Iv1;
        h[2] = Iv2;
        h[3] = Iv3;
        h[4] = Iv4;
        h[5] = Iv5;
        h[6] = Iv6;
        h[7] = Iv7;

        if (!key.IsEmpty)
        {
            // The key block: key bytes then zeros; _buffer starts zeroed.
            key.CopyTo(hasher._buffer);
            hasher._buffered = BlockSize;
        }

        return hasher;
    }

    /// <summary>Absorbs <paramref name="data"/>.</summary>
    public void Update(ReadOnlySpan<byte> data)
    {
        if (_hashSize == 0)
        {
            throw new InvalidOperationException("Blake2sHasher must be made with Blake2sHasher.Create.");
        }

        if (data.IsEmpty)
        {
            return;
        }

        Span<byte> buffer = _buffer;
        int free = BlockSize - _buffered;
        if (data.Length > free)
        {
            // Fill and compress the held block: more data follows, so it is not the last one.
            data[..free].CopyTo(buffer[_buffered..]);
            data = data[free..];
            _counter += BlockSize;
            Compress(ref _h, buffer, _counter, isLast: false);
            _buffered = 0;

            // Whole blocks straight from the input, keeping at least one byte back for the final block.
            while (data.Length > BlockSize)
            {
                _counter += BlockSize;
                Compress(ref _h, data[..BlockSize], _counter, isLast: false);
                data = data[BlockSize..];
            }
        }

        data.CopyTo(buffer[_buffered..]);
        _buffered += data.Length;
    }

    /// <summary>Writes the digest; <paramref name="output"/> must be exactly the hash size given to <see cref="Create"/>.</summary>
    public void Finish(Span<byte> output)
    {
        if (_hashSize == 0)
        {
            throw new InvalidOperationException("Blake2sHasher must be made with Blake2sHasher.Create.");
        }

        if (output.Length != _hashSize)
        {
            throw new ArgumentException($"Output must be {_hashSize} bytes.", nameof(output));
        }

        Span<byte> buffer = _buffer;
        _counter += (ulong)_buffered;
        buffer[_buffered..].Clear();
        Compress(ref _h, buffer, _counter, isLast: true);

        Span<byte> digest = stackalloc byte[Blake2s.MaxHashSize];
        Span<uint> h = _h;
        for (int i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(digest[(i * 4)..], h[i]);
        }

        digest[..output.Length].CopyTo(output);

        // Leave no key material or intermediate state behind, and make reuse an error.
        h.Clear();
        buffer.Clear();
        digest.Clear();
        _hashSize = 0;
    }

    // RFC 7693 section 2.6: the SHA-256 initial hash values.
    private const uint Iv0 = 0x6A09E667u, Iv1 = 0xBB67AE85u, Iv2 = 0x3C6EF372u, Iv3 = 0xA54FF53Au;
    private const uint Iv4 = 0x510E527Fu, Iv5 = 0x9B05688Cu, Iv6 = 0x1F83D9ABu, Iv7 = 0x5BE0CD19u;

    // RFC 7693 section 2.7: message word schedule, one row per round (10 rounds for BLAKE2s).
    private static ReadOnlySpan<byte> Sigma =>
    [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3,
        11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4,
        7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8,
        9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13,
        2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9,
        12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11,
        13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10,
        6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5,
        10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0,
    ];

    // RFC 7693 section 3.2, function F.
    private static void Compress(ref StateWords state, ReadOnlySpan<byte> block, ulong counter, bool isLast)
    {
        Span<uint> m = stackalloc uint[16];
        for (int i = 0; i < 16; i++)
        {
            m[i] = BinaryPrimitives.ReadUInt32LittleEndian(block[(i * 4)..]);
        }

        Span<uint> h = state;
        uint v0 = h[0], v1 = h[1], v2 = h[2], v3 = h[3], v4 = h[4], v5 = h[5], v6 = h[6], v7 = h[7];
        uint v8 = Iv0, v9 = Iv1, v10 = Iv2, v11 = Iv3;
        uint v12 = Iv4 ^ (uint)counter;
        uint v13 = Iv5 ^ (uint)(counter >> 32);
        uint v14 = isLast ? ~Iv6 : Iv6;
        uint v15 = Iv7;

        ReadOnlySpan<byte> sigma = Sigma;
        for (int round = 0; round < 10; round++)
        {
            ReadOnlySpan<byte> s = sigma.Slice(round * 16, 16);
            G(ref v0, ref v4, ref v8, ref v12, m[s[0]], m[s[1]]);
            G(ref v1, ref v5, ref v9, ref v13, m[s[2]], m[s[3]]);
            G(ref v2, ref v6, ref v10, ref v14, m[s[4]], m[s[5]]);
            G(ref v3, ref v7, ref v11, ref v15, m[s[6]], m[s[7]]);
            G(ref v0, ref v5, ref v10, ref v15, m[s[8]], m[s[9]]);
            G(ref v1, ref v6, ref v11, ref v12, m[s[10]], m[s[11]]);
            G(ref v2, ref v7, ref v8, ref v13, m[s[12]], m[s[13]]);
            G(ref v3, ref v4, ref v9, ref v14, m[s[14]], m[s[15]]);
        }

        h[0] ^= v0 ^ v8;
        h[1] ^= v1 ^ v9;
        h[2] ^= v2 ^ v10;
        h[3] ^= v3 ^ v11;
        h[4] ^= v4 ^ v12;
        h[5] ^= v5 ^ v13;
        h[6] ^= v6 ^ v14;
        h[7] ^= v7 ^ v15;
        m.Clear();
    }

    // RFC 7693 section 3.1, mixing function G with BLAKE2s rotations (16, 12, 8, 7).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void G(ref uint a, ref uint b, ref uint c, ref uint d, uint x, uint y)
    {
        a = a + b + x;
        d = BitOperations.RotateRight(d ^ a, 16);
        c += d;
        b = BitOperations.RotateRight(b ^ c, 12);
        a = a + b + y;
        d = BitOperations.RotateRight(d ^ a, 8);
        c += d;
        b = BitOperations.RotateRight(b ^ c, 7);
    }

    [InlineArray(8)]
    private struct StateWords
    {
        private uint _element0;
    }

    [InlineArray(BlockSize)]
    private struct BlockBuffer
    {
        private byte _element0;
    }
}
