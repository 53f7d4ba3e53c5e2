namespace Weft.Core.Crypto;

/// <summary>
/// One-shot BLAKE2s (RFC 7693): the hash WireGuard uses for its handshake transcript, MACs and KDF.
/// For data arriving in pieces use <see cref="Blake2sHasher"/>.
/// </summary>
public static class Blake2s
{
    /// <summary>Largest digest, in bytes.</summary>
    public const int MaxHashSize = 32;

    /// <summary>Largest key, in bytes.</summary>
    public const int MaxKeySize = 32;

    /// <summary>
    /// Hashes <paramref name="input"/> into <paramref name="output"/>, whose length (1..32) is the digest size,
    /// optionally keyed with <paramref name="key"/> (0..32 bytes). <paramref name="output"/> may overlap the inputs.
    /// </summary>
    public static void Hash(ReadOnlySpan<byte> input, Span<byte> output, ReadOnlySpan<byte> key = default)
    {
        var hasher = Blake2sHasher.Create(output.Length, key);
        hasher.Update(input);
        hasher.Finish(output);
    }
}
