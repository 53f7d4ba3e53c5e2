using System.Security.Cryptography;
using Weft.Core.Net;

namespace Weft.Core.Crypto;

/// <summary>
/// X25519 Diffie-Hellman (RFC 7748) on raw 32-byte keys, as WireGuard's handshake uses it
/// for its static and ephemeral keys. A thin, allocation-free layer over libsodium's
/// <c>crypto_scalarmult_curve25519</c> (the library NSec ships), which clamps scalars and
/// ignores the top bit of u-coordinates exactly as RFC 7748 section 5 requires.
/// </summary>
public static class X25519
{
    /// <summary>Size of private keys, public keys and shared secrets, in bytes.</summary>
    public const int KeySize = 32;

    /// <summary>Makes a fresh key pair from the operating system's CSPRNG; the private key is stored clamped.</summary>
    public static void GenerateKeyPair(Span<byte> privateKey, Span<byte> publicKey)
        => GenerateKeyPair(SystemRandomSource.Instance, privateKey, publicKey);

    /// <summary>Makes a key pair from <paramref name="random"/> (a seeded source gives reproducible keys in simulations).</summary>
    public static void GenerateKeyPair(IRandomSource random, Span<byte> privateKey, Span<byte> publicKey)
    {
        ArgumentNullException.ThrowIfNull(random);
        CheckSize(privateKey.Length, nameof(privateKey));
        CheckSize(publicKey.Length, nameof(publicKey));
        random.Fill(privateKey);
        Clamp(privateKey);
        DerivePublicKey(privateKey, publicKey);
    }

    /// <summary>Clamps a 32-byte scalar in place (RFC 7748 section 5, decodeScalar25519).</summary>
    public static void Clamp(Span<byte> privateKey)
    {
        CheckSize(privateKey.Length, nameof(privateKey));
        privateKey[0] &= 248;
        privateKey[31] &= 127;
        privateKey[31] |= 64;
    }

    /// <summary>Writes the public key X25519(privateKey, 9). <paramref name="publicKey"/> may alias <paramref name="privateKey"/>.</summary>
    public static unsafe void DerivePublicKey(ReadOnlySpan<byte> privateKey, Span<byte> publicKey)
    {
        CheckSize(privateKey.Length, nameof(privateKey));
        CheckSize(publicKey.Length, nameof(publicKey));
        Interop.Libsodium.EnsureInitialized();
        Span<byte> result = stackalloc byte[KeySize];
        int status;
        fixed (byte* q = result)
        fixed (byte* n = privateKey)
        {
            status = Interop.Libsodium.crypto_scalarmult_curve25519_base(q, n);
        }

        if (status != 0)
        {
            // Only possible for a scalar that is zero after clamping, which clamping forbids.
            throw new CryptographicException("crypto_scalarmult_curve25519_base failed.");
        }

        result.CopyTo(publicKey);
        result.Clear();
    }

    /// <summary>
    /// Writes the shared secret X25519(privateKey, publicKey). Returns false, leaving
    /// <paramref name="sharedSecret"/> all zero, when the result is all zero (a small-order public key:
    /// RFC 7748 section 6.1 and the WireGuard paper require rejecting it). The output may alias the inputs.
    /// </summary>
    public static unsafe bool TryAgree(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> publicKey, Span<byte> sharedSecret)
    {
        CheckSize(privateKey.Length, nameof(privateKey));
        CheckSize(publicKey.Length, nameof(publicKey));
        CheckSize(sharedSecret.Length, nameof(sharedSecret));
        Interop.Libsodium.EnsureInitialized();
        Span<byte> result = stackalloc byte[KeySize];
        int status;
        fixed (byte* q = result)
        fixed (byte* n = privateKey)
        fixed (byte* p = publicKey)
        {
            status = Interop.Libsodium.crypto_scalarmult_curve25519(q, n, p);
        }

        // libsodium already returns -1 for an all-zero result; check again in constant time so the
        // contract does not rest on one library version's behaviour.
        bool ok = status == 0 && !IsAllZero(result);
        if (ok)
        {
            result.CopyTo(sharedSecret);
        }
        else
        {
            sharedSecret.Clear();
        }

        result.Clear();
        return ok;
    }

    private static bool IsAllZero(ReadOnlySpan<byte> value)
    {
        int accumulator = 0;
        foreach (byte b in value)
        {
            accumulator |= b;
        }

        return accumulator == 0;
    }

    private static void CheckSize(int length, string name)
    {
        if (length != KeySize)
        {
            throw new ArgumentException("X25519 keys and shared secrets are 32 bytes.", name);
        }
    }
}
