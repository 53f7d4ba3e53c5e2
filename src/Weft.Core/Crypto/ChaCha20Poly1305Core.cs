using System.Buffers.Binary;
using System.Security.Cryptography;
using BclChaCha20Poly1305 = System.Security.Cryptography.ChaCha20Poly1305;

namespace Weft.Core.Crypto;

/// <summary>
/// The shared body of the ChaCha20-Poly1305 (RFC 8439) types: size checks, the WireGuard nonce,
/// and the BCL calls with the ciphertext and tag laid out back to back.
/// </summary>
/// <remarks>
/// Sealed output and WireGuard nonce:
/// <code>
/// destination:  | ciphertext (plaintext.Length bytes) | tag (16) |
///
/// nonce (12):   | 00 00 00 00 | counter, 64-bit little-endian |
///                 0         3   4                          11
/// </code>
/// In place means the output starts at the same address as the input; any other overlap is a bug
/// (the BCL rejects it with an exception).
/// </remarks>
internal static class ChaCha20Poly1305Core
{
    internal const int KeySize = 32;
    internal const int NonceSize = 12;
    internal const int TagSize = 16;

    /// <summary>Writes the WireGuard transport nonce for <paramref name="counter"/>: 4 zero bytes then the counter little-endian.</summary>
    internal static void WriteNonce(ulong counter, Span<byte> nonce12)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(nonce12, 0);
        BinaryPrimitives.WriteUInt64LittleEndian(nonce12[4..], counter);
    }

    internal static void CheckKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException("ChaCha20-Poly1305 keys are 32 bytes.", nameof(key));
        }
    }

    internal static void Seal(
        BclChaCha20Poly1305 cipher,
        ReadOnlySpan<byte> nonce12,
        ReadOnlySpan<byte> plaintext,
        Span<byte> destination,
        ReadOnlySpan<byte> associatedData)
    {
        if (destination.Length != plaintext.Length + TagSize)
        {
            throw new ArgumentException("The destination must be the plaintext length plus 16 bytes.", nameof(destination));
        }

        int length = plaintext.Length;
        cipher.Encrypt(nonce12, plaintext, destination[..length], destination[length..], associatedData);
    }

    internal static bool TryOpen(
        BclChaCha20Poly1305 cipher,
        ReadOnlySpan<byte> nonce12,
        ReadOnlySpan<byte> ciphertextAndTag,
        Span<byte> destination,
        ReadOnlySpan<byte> associatedData)
    {
        if (ciphertextAndTag.Length < TagSize)
        {
            return false;
        }

        int length = ciphertextAndTag.Length - TagSize;
        if (destination.Length != length)
        {
            throw new ArgumentException("The destination must be the ciphertext length minus 16 bytes.", nameof(destination));
        }

        try
        {
            cipher.Decrypt(nonce12, ciphertextAndTag[..length], ciphertextAndTag[length..], destination, associatedData);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            // The BCL has no non-throwing decrypt. It zeroes the destination itself; make sure regardless.
            destination.Clear();
            return false;
        }
    }
}
