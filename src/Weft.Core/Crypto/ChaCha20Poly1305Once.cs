using BclChaCha20Poly1305 = System.Security.Cryptography.ChaCha20Poly1305;

namespace Weft.Core.Crypto;

/// <summary>
/// ChaCha20-Poly1305 (RFC 8439) with a key used for one or two messages, as the WireGuard handshake
/// uses its derived keys (nonce = counter, see <see cref="ChaCha20Poly1305Core"/>). Creates and frees a
/// cipher instance per call, so it allocates; use <see cref="ChaCha20Poly1305Key"/> for per-packet work.
/// </summary>
public static class ChaCha20Poly1305Once
{
    /// <summary>Encrypts into <paramref name="destination"/> (plaintext.Length + 16 bytes: ciphertext then tag; may be in place).</summary>
    public static void Seal(ReadOnlySpan<byte> key, ulong counter, ReadOnlySpan<byte> plaintext, Span<byte> destination, ReadOnlySpan<byte> associatedData)
    {
        Span<byte> nonce = stackalloc byte[ChaCha20Poly1305Core.NonceSize];
        ChaCha20Poly1305Core.WriteNonce(counter, nonce);
        Seal(key, nonce, plaintext, destination, associatedData);
    }

    /// <summary>Checks and decrypts into <paramref name="destination"/> (16 bytes shorter; may be in place); false on any failure.</summary>
    public static bool TryOpen(ReadOnlySpan<byte> key, ulong counter, ReadOnlySpan<byte> ciphertextAndTag, Span<byte> destination, ReadOnlySpan<byte> associatedData)
    {
        Span<byte> nonce = stackalloc byte[ChaCha20Poly1305Core.NonceSize];
        ChaCha20Poly1305Core.WriteNonce(counter, nonce);
        return TryOpen(key, nonce, ciphertextAndTag, destination, associatedData);
    }

    internal static void Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce12, ReadOnlySpan<byte> plaintext, Span<byte> destination, ReadOnlySpan<byte> associatedData)
    {
        ChaCha20Poly1305Core.CheckKey(key);
        using var cipher = new BclChaCha20Poly1305(key);
        ChaCha20Poly1305Core.Seal(cipher, nonce12, plaintext, destination, associatedData);
    }

    internal static bool TryOpen(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce12, ReadOnlySpan<byte> ciphertextAndTag, Span<byte> destination, ReadOnlySpan<byte> associatedData)
    {
        ChaCha20Poly1305Core.CheckKey(key);
        using var cipher = new BclChaCha20Poly1305(key);
        return ChaCha20Poly1305Core.TryOpen(cipher, nonce12, ciphertextAndTag, destination, associatedData);
    }
}
