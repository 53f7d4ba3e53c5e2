using NSec.Cryptography;

namespace Weft.Core.Identity.Internal;

/// <summary>
/// Ed25519 (RFC 8032) through NSec: signing with a 32-byte seed, verifying with a 32-byte public key.
/// Verification never throws: a malformed key or signature is simply "not valid".
/// </summary>
internal static class Ed25519Signer
{
    public const int SeedSize = 32;
    public const int PublicKeySize = 32;
    public const int SignatureSize = 64;

    private static KeyCreationParameters Exportable => new() { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };

    public static void GenerateKeyPair(out byte[] seed, out byte[] publicKey)
    {
        using var key = Key.Create(SignatureAlgorithm.Ed25519, Exportable);
        seed = key.Export(KeyBlobFormat.RawPrivateKey);
        publicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
    }

    public static byte[] PublicKeyFromSeed(ReadOnlySpan<byte> seed)
    {
        using var key = Import(seed);
        return key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
    }

    /// <summary>Imports a private key for repeated signing; the caller disposes it.</summary>
    public static Key Import(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedSize)
        {
            throw new ArgumentException($"An Ed25519 private key is {SeedSize} bytes, not {seed.Length}.", nameof(seed));
        }

        return Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey, Exportable);
    }

    public static void Sign(Key key, ReadOnlySpan<byte> message, Span<byte> signature) =>
        SignatureAlgorithm.Ed25519.Sign(key, message, signature[..SignatureSize]);

    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKeySize || signature.Length != SignatureSize)
        {
            return false;
        }

        if (!PublicKey.TryImport(SignatureAlgorithm.Ed25519, publicKey, KeyBlobFormat.RawPublicKey, out var key) || key is null)
        {
            return false;
        }

        return SignatureAlgorithm.Ed25519.Verify(key, message, signature);
    }
}
