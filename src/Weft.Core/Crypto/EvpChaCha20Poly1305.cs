using System.Security.Cryptography;
using Weft.Core.OpenSsl;
using OpenSslInterop = Weft.Core.OpenSsl.Interop;

namespace Weft.Core.Crypto;

/// <summary>
/// ChaCha20-Poly1305 (RFC 8439) straight on OpenSSL's EVP interface: one encrypt and one decrypt
/// <c>EVP_CIPHER_CTX</c>, each keyed once, then restarted with only the 12-byte nonce for every message.
/// This skips the per-call work of <see cref="System.Security.Cryptography.ChaCha20Poly1305"/> (about six
/// times the throughput on 1420-byte packets) and reports a bad tag as <c>false</c> instead of an exception.
/// Not thread-safe: <see cref="ChaCha20Poly1305Key"/> gives each thread its own instance from a pool.
/// </summary>
/// <remarks>
/// Per message (layout of input and output as in <see cref="ChaCha20Poly1305Core"/>):
/// <code>
/// seal:  EncryptInit(iv = nonce) -> EncryptUpdate(out = null, aad) -> EncryptUpdate(out = ciphertext, plaintext)
///        -> EncryptFinal -> ctrl(GET_TAG, 16, out = tag)
/// open:  DecryptInit(iv = nonce) -> ctrl(SET_TAG, 16, tag) -> DecryptUpdate(out = null, aad)
///        -> DecryptUpdate(out = plaintext, ciphertext) -> DecryptFinal: &lt;= 0 means the tag did not match
/// </code>
/// A context is created for a direction on its first use, so a WireGuard sending key never builds a decrypt
/// context. Contexts hold a copy of the key inside OpenSSL, wiped when they are freed. A native call that fails
/// for any other reason than a bad tag is a bug and throws <see cref="CryptographicException"/>.
/// </remarks>
internal sealed unsafe class EvpChaCha20Poly1305 : IDisposable
{
    private readonly byte[] _key; // the owner's pinned key copy, read only when a context is created
    private SafeEvpCipherCtxHandle? _encrypt;
    private SafeEvpCipherCtxHandle? _decrypt;

    /// <param name="pinnedKey">32 key bytes the caller keeps alive, unchanged, until this instance is disposed.</param>
    internal EvpChaCha20Poly1305(byte[] pinnedKey)
    {
        ChaCha20Poly1305Core.CheckKey(pinnedKey);
        _key = pinnedKey;
    }

    /// <summary>
    /// True when libcrypto.so.3 loads and passes the RFC 8439 section 2.8.2 known answer test; decided once per process.
    /// </summary>
    internal static bool IsSupported => Support.IsSupported;

    internal void Seal(ReadOnlySpan<byte> nonce12, ReadOnlySpan<byte> plaintext, Span<byte> destination, ReadOnlySpan<byte> associatedData)
    {
        CheckSeal(nonce12, plaintext, destination);
        var context = _encrypt ??= CreateContext(encrypt: true, _key);
        SealCore(context.DangerousGetHandle(), nonce12, plaintext, destination, associatedData);
        GC.KeepAlive(context);
    }

    internal bool TryOpen(ReadOnlySpan<byte> nonce12, ReadOnlySpan<byte> ciphertextAndTag, Span<byte> destination, ReadOnlySpan<byte> associatedData)
    {
        if (!CheckOpen(nonce12, ciphertextAndTag, destination))
        {
            return false;
        }

        var context = _decrypt ??= CreateContext(encrypt: false, _key);
        bool opened = TryOpenCore(context.DangerousGetHandle(), nonce12, ciphertextAndTag, destination, associatedData);
        GC.KeepAlive(context);
        return opened;
    }

    /// <summary>Seals one message under a key used once (creates and frees a context).</summary>
    internal static void SealOnce(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce12, ReadOnlySpan<byte> plaintext, Span<byte> destination, ReadOnlySpan<byte> associatedData)
    {
        ChaCha20Poly1305Core.CheckKey(key);
        CheckSeal(nonce12, plaintext, destination);
        using var context = CreateContext(encrypt: true, key);
        SealCore(context.DangerousGetHandle(), nonce12, plaintext, destination, associatedData);
    }

    /// <summary>Opens one message under a key used once (creates and frees a context).</summary>
    internal static bool TryOpenOnce(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce12, ReadOnlySpan<byte> ciphertextAndTag, Span<byte> destination, ReadOnlySpan<byte> associatedData)
    {
        ChaCha20Poly1305Core.CheckKey(key);
        if (!CheckOpen(nonce12, ciphertextAndTag, destination))
        {
            return false;
        }

        using var context = CreateContext(encrypt: false, key);
        return TryOpenCore(context.DangerousGetHandle(), nonce12, ciphertextAndTag, destination, associatedData);
    }

    public void Dispose()
    {
        _encrypt?.Dispose();
        _decrypt?.Dispose();
    }

    private static void CheckSeal(ReadOnlySpan<byte> nonce12, ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        CheckNonce(nonce12);
        if (destination.Length != plaintext.Length + ChaCha20Poly1305Core.TagSize)
        {
            throw new ArgumentException("The destination must be the plaintext length plus 16 bytes.", nameof(destination));
        }

        CheckOverlap(plaintext, destination);
    }

    // False for input too short to hold a tag; throws for caller bugs.
    private static bool CheckOpen(ReadOnlySpan<byte> nonce12, ReadOnlySpan<byte> ciphertextAndTag, Span<byte> destination)
    {
        CheckNonce(nonce12);
        if (ciphertextAndTag.Length < ChaCha20Poly1305Core.TagSize)
        {
            return false;
        }

        if (destination.Length != ciphertextAndTag.Length - ChaCha20Poly1305Core.TagSize)
        {
            throw new ArgumentException("The destination must be the ciphertext length minus 16 bytes.", nameof(destination));
        }

        CheckOverlap(ciphertextAndTag, destination);
        return true;
    }

    private static void CheckNonce(ReadOnlySpan<byte> nonce12)
    {
        if (nonce12.Length != ChaCha20Poly1305Core.NonceSize)
        {
            throw new ArgumentException("ChaCha20-Poly1305 nonces are 12 bytes.", nameof(nonce12));
        }
    }

    // In place (same start address) is fine; any other overlap is a bug, as with the BCL.
    private static void CheckOverlap(ReadOnlySpan<byte> input, ReadOnlySpan<byte> output)
    {
        if (input.Overlaps(output, out int offset) && offset != 0)
        {
            throw new ArgumentException("Input and output may only overlap exactly (in place).", nameof(output));
        }
    }

    private static SafeEvpCipherCtxHandle CreateContext(bool encrypt, ReadOnlySpan<byte> key)
    {
        var context = OpenSslInterop.EVP_CIPHER_CTX_new();
        if (context.IsInvalid)
        {
            context.Dispose();
            throw Failure(nameof(OpenSslInterop.EVP_CIPHER_CTX_new));
        }

        try
        {
            nint ctx = context.DangerousGetHandle();
            nint cipher = Cipher.Instance;
            fixed (byte* keyPointer = key)
            {
                if (encrypt)
                {
                    Check(OpenSslInterop.EVP_EncryptInit_ex(ctx, cipher, 0, null, null), nameof(OpenSslInterop.EVP_EncryptInit_ex));
                    Check(OpenSslInterop.EVP_CIPHER_CTX_ctrl(ctx, OpenSslInterop.EVP_CTRL_AEAD_SET_IVLEN, ChaCha20Poly1305Core.NonceSize, null), nameof(OpenSslInterop.EVP_CIPHER_CTX_ctrl));
                    Check(OpenSslInterop.EVP_EncryptInit_ex(ctx, 0, 0, keyPointer, null), nameof(OpenSslInterop.EVP_EncryptInit_ex));
                }
                else
                {
                    Check(OpenSslInterop.EVP_DecryptInit_ex(ctx, cipher, 0, null, null), nameof(OpenSslInterop.EVP_DecryptInit_ex));
                    Check(OpenSslInterop.EVP_CIPHER_CTX_ctrl(ctx, OpenSslInterop.EVP_CTRL_AEAD_SET_IVLEN, ChaCha20Poly1305Core.NonceSize, null), nameof(OpenSslInterop.EVP_CIPHER_CTX_ctrl));
                    Check(OpenSslInterop.EVP_DecryptInit_ex(ctx, 0, 0, keyPointer, null), nameof(OpenSslInterop.EVP_DecryptInit_ex));
                }
            }

            return context;
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    private static void SealCore(nint ctx, ReadOnlySpan<byte> nonce12, ReadOnlySpan<byte> plaintext, Span<byte> destination, ReadOnlySpan<byte> associatedData)
    {
        int length = plaintext.Length;
        int written;
        fixed (byte* nonce = nonce12)
        fixed (byte* input = plaintext)
        fixed (byte* output = destination)
        fixed (byte* aad = associatedData)
        {
            Check(OpenSslInterop.EVP_EncryptInit_ex(ctx, 0, 0, null, nonce), nameof(OpenSslInterop.EVP_EncryptInit_ex));
            if (associatedData.Length > 0)
            {
                Check(OpenSslInterop.EVP_EncryptUpdate(ctx, null, &written, aad, associatedData.Length), nameof(OpenSslInterop.EVP_EncryptUpdate));
            }

            if (length > 0)
            {
                Check(OpenSslInterop.EVP_EncryptUpdate(ctx, output, &written, input, length), nameof(OpenSslInterop.EVP_EncryptUpdate));
                CheckLength(written, length, nameof(OpenSslInterop.EVP_EncryptUpdate));
            }

            Check(OpenSslInterop.EVP_EncryptFinal_ex(ctx, output + length, &written), nameof(OpenSslInterop.EVP_EncryptFinal_ex));
            CheckLength(written, 0, nameof(OpenSslInterop.EVP_EncryptFinal_ex));
            Check(OpenSslInterop.EVP_CIPHER_CTX_ctrl(ctx, OpenSslInterop.EVP_CTRL_AEAD_GET_TAG, ChaCha20Poly1305Core.TagSize, output + length), nameof(OpenSslInterop.EVP_CIPHER_CTX_ctrl));
        }
    }

    private static bool TryOpenCore(nint ctx, ReadOnlySpan<byte> nonce12, ReadOnlySpan<byte> ciphertextAndTag, Span<byte> destination, ReadOnlySpan<byte> associatedData)
    {
        int length = ciphertextAndTag.Length - ChaCha20Poly1305Core.TagSize;
        int written;
        int finished;
        fixed (byte* nonce = nonce12)
        fixed (byte* input = ciphertextAndTag)
        fixed (byte* output = destination)
        fixed (byte* aad = associatedData)
        {
            Check(OpenSslInterop.EVP_DecryptInit_ex(ctx, 0, 0, null, nonce), nameof(OpenSslInterop.EVP_DecryptInit_ex));

            // OpenSSL copies the expected tag, so decrypting in place over the input cannot disturb it.
            Check(OpenSslInterop.EVP_CIPHER_CTX_ctrl(ctx, OpenSslInterop.EVP_CTRL_AEAD_SET_TAG, ChaCha20Poly1305Core.TagSize, input + length), nameof(OpenSslInterop.EVP_CIPHER_CTX_ctrl));
            if (associatedData.Length > 0)
            {
                Check(OpenSslInterop.EVP_DecryptUpdate(ctx, null, &written, aad, associatedData.Length), nameof(OpenSslInterop.EVP_DecryptUpdate));
            }

            if (length > 0)
            {
                Check(OpenSslInterop.EVP_DecryptUpdate(ctx, output, &written, input, length), nameof(OpenSslInterop.EVP_DecryptUpdate));
                CheckLength(written, length, nameof(OpenSslInterop.EVP_DecryptUpdate));
            }

            // A stream cipher has nothing left to write; point at the (possibly empty) end of the output.
            finished = OpenSslInterop.EVP_DecryptFinal_ex(ctx, output + length, &written);
        }

        if (finished <= 0)
        {
            // Not authentic: release nothing that was decrypted, and leave no error behind on this thread.
            destination.Clear();
            OpenSslInterop.ERR_clear_error();
            return false;
        }

        return true;
    }

    private static void Check(int result, string function)
    {
        if (result != 1)
        {
            throw Failure(function);
        }
    }

    private static void CheckLength(int written, int expected, string function)
    {
        if (written != expected)
        {
            throw new CryptographicException($"OpenSSL {function} wrote {written} bytes, expected {expected}.");
        }
    }

    private static CryptographicException Failure(string function)
    {
        nuint code = OpenSslInterop.ERR_get_error();
        OpenSslInterop.ERR_clear_error();
        return new CryptographicException($"OpenSSL {function} failed (error 0x{code:x}).");
    }

    /// <summary>The <c>EVP_CIPHER</c> for ChaCha20-Poly1305, looked up once.</summary>
    private static class Cipher
    {
        internal static readonly nint Instance = OpenSslInterop.EVP_chacha20_poly1305();
    }

    /// <summary>The one-time probe behind <see cref="IsSupported"/>.</summary>
    private static class Support
    {
        internal static readonly bool IsSupported = EvpChaCha20Poly1305Probe.Run(EvpChaCha20Poly1305Probe.KnownAnswerTest);
    }
}
