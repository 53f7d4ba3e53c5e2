using BclChaCha20Poly1305 = System.Security.Cryptography.ChaCha20Poly1305;

namespace Weft.Core.Crypto;

/// <summary>
/// ChaCha20-Poly1305 (RFC 8439) with a key used for one or two messages, as the WireGuard handshake
/// uses its derived keys (nonce = counter, see <see cref="ChaCha20Poly1305Core"/>). Creates and frees a
/// cipher context per call, so it allocates; use <see cref="ChaCha20Poly1305Key"/> for per-packet work.
/// Runs on the process's <see cref="ChaCha20Poly1305Backends.Default"/> backend.
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

    internal static void Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce12, ReadOnlySpan<byte> plaintext, Span<byte> destination, ReadOnlySpan<byte> associatedData) =>
        Seal(ChaCha20Poly1305Backends.Default, key, nonce12, plaintext, destination, associatedData);

    internal static bool TryOpen(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce12, ReadOnlySpan<byte> ciphertextAndTag, Span<byte> destination, ReadOnlySpan<byte> associatedData) =>
        TryOpen(ChaCha20Poly1305Backends.Default, key, nonce12, ciphertextAndTag, destination, associatedData);

    /// <summary>Seal on an explicitly chosen backend (tests).</summary>
    internal static void Seal(ChaCha20Poly1305Backend backend, ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce12, ReadOnlySpan<byte> plaintext, Span<byte> destination, ReadOnlySpan<byte> associatedData)
    {
        ChaCha20Poly1305Core.CheckKey(key);
        ChaCha20Poly1305Backends.CheckAvailable(backend);
        if (backend == ChaCha20Poly1305Backend.OpenSsl)
        {
            EvpChaCha20Poly1305.SealOnce(key, nonce12, plaintext, destination, associatedData);
            return;
        }

        using var cipher = new BclChaCha20Poly1305(key);
        ChaCha20Poly1305Core.Seal(cipher, nonce12, plaintext, destination, associatedData);
    }

    /// <summary>TryOpen on an explicitly chosen backend (tests).</summary>
    internal static bool TryOpen(ChaCha20Poly1305Backend backend, ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce12, ReadOnlySpan<byte> ciphertextAndTag, Span<byte> destination, ReadOnlySpan<byte> associatedData)
    {
        ChaCha20Poly1305Core.CheckKey(key);
        ChaCha20Poly1305Backends.CheckAvailable(backend);
        if (backend == ChaCha20Poly1305Backend.OpenSsl)
        {
            return EvpChaCha20Poly1305.TryOpenOnce(key, nonce12, ciphertextAndTag, destination, associatedData);
        }

        using var cipher = new BclChaCha20Poly1305(key);
        return ChaCha20Poly1305Core.TryOpen(cipher, nonce12, ciphertextAndTag, destination, associatedData);
    }
}
