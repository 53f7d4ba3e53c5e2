namespace Weft.Core.Crypto;

/// <summary>
/// The keyed hash and key derivation of the Noise framework as WireGuard instantiates them
/// (WireGuard paper section 5.4): HMAC over BLAKE2s (RFC 2104, 64-byte block, 32-byte output)
/// and HKDF (RFC 5869) with an empty info string, producing one, two or three 32-byte outputs.
/// </summary>
/// <remarks>
/// <code>
/// Hmac(K, m) = BLAKE2s((K' ^ opad) || BLAKE2s((K' ^ ipad) || m))   K' = K zero-padded to 64 bytes
///                                                                    (hashed first if longer than 64)
/// prk = Hmac(chainingKey, input)
/// t1  = Hmac(prk, 0x01)
/// t2  = Hmac(prk, t1 || 0x02)
/// t3  = Hmac(prk, t2 || 0x03)
/// </code>
/// Outputs may alias the inputs (the handshake writes a new chaining key over the old one):
/// everything is computed in stack buffers and copied out at the end.
/// </remarks>
public static class NoiseKdf
{
    /// <summary>Size of every HMAC output and KDF output, in bytes.</summary>
    public const int OutputSize = 32;

    private const int BlockSize = Blake2sHasher.BlockSize;

    /// <summary>HMAC-BLAKE2s of <paramref name="input"/> under <paramref name="key"/>; writes 32 bytes.</summary>
    public static void Hmac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> input, Span<byte> output32)
    {
        CheckOutput(output32, nameof(output32));
        Span<byte> result = stackalloc byte[OutputSize];
        HmacCore(key, input, default, result);
        result.CopyTo(output32);
        result.Clear();
    }

    /// <summary>HKDF with one output: <paramref name="t1"/> (32 bytes).</summary>
    public static void Kdf1(ReadOnlySpan<byte> chainingKey, ReadOnlySpan<byte> input, Span<byte> t1)
    {
        CheckOutput(t1, nameof(t1));
        Span<byte> buffer = stackalloc byte[OutputSize * 2];
        Span<byte> prk = buffer[..OutputSize];
        Span<byte> out1 = buffer[OutputSize..];
        HmacCore(chainingKey, input, default, prk);
        HmacCore(prk, default, [0x01], out1);
        out1.CopyTo(t1);
        buffer.Clear();
    }

    /// <summary>HKDF with two outputs: <paramref name="t1"/> and <paramref name="t2"/> (32 bytes each).</summary>
    public static void Kdf2(ReadOnlySpan<byte> chainingKey, ReadOnlySpan<byte> input, Span<byte> t1, Span<byte> t2)
    {
        CheckOutput(t1, nameof(t1));
        CheckOutput(t2, nameof(t2));
        Span<byte> buffer = stackalloc byte[OutputSize * 3];
        Span<byte> prk = buffer[..OutputSize];
        Span<byte> out1 = buffer.Slice(OutputSize, OutputSize);
        Span<byte> out2 = buffer.Slice(OutputSize * 2, OutputSize);
        HmacCore(chainingKey, input, default, prk);
        HmacCore(prk, default, [0x01], out1);
        HmacCore(prk, out1, [0x02], out2);
        out1.CopyTo(t1);
        out2.CopyTo(t2);
        buffer.Clear();
    }

    /// <summary>HKDF with three outputs: <paramref name="t1"/>, <paramref name="t2"/>, <paramref name="t3"/> (32 bytes each).</summary>
    public static void Kdf3(ReadOnlySpan<byte> chainingKey, ReadOnlySpan<byte> input, Span<byte> t1, Span<byte> t2, Span<byte> t3)
    {
        CheckOutput(t1, nameof(t1));
        CheckOutput(t2, nameof(t2));
        CheckOutput(t3, nameof(t3));
        Span<byte> buffer = stackalloc byte[OutputSize * 4];
        Span<byte> prk = buffer[..OutputSize];
        Span<byte> out1 = buffer.Slice(OutputSize, OutputSize);
        Span<byte> out2 = buffer.Slice(OutputSize * 2, OutputSize);
        Span<byte> out3 = buffer.Slice(OutputSize * 3, OutputSize);
        HmacCore(chainingKey, input, default, prk);
        HmacCore(prk, default, [0x01], out1);
        HmacCore(prk, out1, [0x02], out2);
        HmacCore(prk, out2, [0x03], out3);
        out1.CopyTo(t1);
        out2.CopyTo(t2);
        out3.CopyTo(t3);
        buffer.Clear();
    }

    // HMAC over the concatenation input1 || input2, written to a 32-byte output that must not alias the inputs.
    private static void HmacCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> input1, ReadOnlySpan<byte> input2, Span<byte> output)
    {
        Span<byte> pad = stackalloc byte[BlockSize];
        pad.Clear();
        if (key.Length > BlockSize)
        {
            Blake2s.Hash(key, pad[..OutputSize]);
        }
        else
        {
            key.CopyTo(pad);
        }

        for (int i = 0; i < BlockSize; i++)
        {
            pad[i] ^= 0x36;
        }

        Span<byte> inner = stackalloc byte[OutputSize];
        var hasher = Blake2sHasher.Create(OutputSize);
        hasher.Update(pad);
        hasher.Update(input1);
        hasher.Update(input2);
        hasher.Finish(inner);

        // 0x36 ^ 0x5C turns the inner pad into the outer pad.
        for (int i = 0; i < BlockSize; i++)
        {
            pad[i] ^= 0x36 ^ 0x5C;
        }

        hasher = Blake2sHasher.Create(OutputSize);
        hasher.Update(pad);
        hasher.Update(inner);
        hasher.Finish(output);
        pad.Clear();
        inner.Clear();
    }

    private static void CheckOutput(Span<byte> output, string name)
    {
        if (output.Length != OutputSize)
        {
            throw new ArgumentException("KDF and HMAC outputs are 32 bytes.", name);
        }
    }
}
