using System.Security.Cryptography;

namespace Weft.Core.Crypto;

/// <summary>
/// XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha section 2.3): ChaCha20-Poly1305 with a 24-byte nonce,
/// safe to pick at random. WireGuard seals its cookie reply with it.
/// </summary>
/// <remarks>
/// <code>
/// nonce24:  | n[0..16]  -> HChaCha20(key, n[0..16]) = subkey | n[16..24] |
/// then ChaCha20-Poly1305(subkey, nonce12 = | 00 00 00 00 | n[16..24] |)
/// </code>
/// Output layout as in <see cref="ChaCha20Poly1305Core"/>: ciphertext then 16-byte tag; may be in place.
/// Allocates one short-lived cipher instance per call (cookie traffic only).
/// </remarks>
public static class XChaCha20Poly1305
{
    public const int KeySize = 32;
    public const int NonceSize = 24;
    public const int TagSize = ChaCha20Poly1305Core.TagSize;

    /// <summary>Encrypts into <paramref name="destination"/> (plaintext.Length + 16 bytes: ciphertext then tag).</summary>
    public static void Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce24, ReadOnlySpan<byte> plaintext, Span<byte> destination, ReadOnlySpan<byte> associatedData)
    {
        Span<byte> subkey = stackalloc byte[HChaCha20.OutputSize];
        Span<byte> nonce12 = stackalloc byte[ChaCha20Poly1305Core.NonceSize];
        Derive(key, nonce24, subkey, nonce12);
        try
        {
            ChaCha20Poly1305Once.Seal(subkey, nonce12, plaintext, destination, associatedData);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(subkey);
        }
    }

    /// <summary>Checks and decrypts into <paramref name="destination"/> (16 bytes shorter); false on any authentication failure.</summary>
    public static bool TryOpen(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce24, ReadOnlySpan<byte> ciphertextAndTag, Span<byte> destination, ReadOnlySpan<byte> associatedData)
    {
        Span<byte> subkey = stackalloc byte[HChaCha20.OutputSize];
        Span<byte> nonce12 = stackalloc byte[ChaCha20Poly1305Core.NonceSize];
        Derive(key, nonce24, subkey, nonce12);
        try
        {
            return ChaCha20Poly1305Once.TryOpen(subkey, nonce12, ciphertextAndTag, destination, associatedData);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(subkey);
        }
    }

    private static void Derive(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce24, Span<byte> subkey, Span<byte> nonce12)
    {
        ChaCha20Poly1305Core.CheckKey(key);
        if (nonce24.Length != NonceSize)
        {
            throw new ArgumentException("XChaCha20-Poly1305 nonces are 24 bytes.", nameof(nonce24));
        }

        HChaCha20.DeriveSubkey(key, nonce24[..16], subkey);
        nonce12[..4].Clear();
        nonce24[16..].CopyTo(nonce12[4..]);
    }
}
