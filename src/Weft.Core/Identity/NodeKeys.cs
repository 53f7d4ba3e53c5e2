using NSec.Cryptography;
using Weft.Core.Identity.Internal;

namespace Weft.Core.Identity;

/// <summary>
/// This node's private keys: X25519 for WireGuard sessions and Ed25519 for signing (join
/// requests, hellos). They never leave the machine. On disk they are one armored block,
/// mode 0600, replaced atomically:
/// <code>
/// -----BEGIN WEFT NODE PRIVATE KEYS-----   base64 of:
///  0        1        2                     34                    66
/// +--------+--------+---------------------+---------------------+
/// | ver=1  | 0x11   | X25519 private (32) | Ed25519 seed (32)   |
/// +--------+--------+---------------------+---------------------+
/// </code>
/// Public keys are derived on load, so a file cannot carry a mismatched pair.
/// </summary>
public sealed class NodeKeys
{
    private const int FileSize = 2 + 32 + 32;

    private Key? signingKey;

    private NodeKeys(byte[] sessionPrivate, byte[] signingSeed)
    {
        SessionPrivateKey = sessionPrivate;
        SessionPublicKey = X25519PublicKey(sessionPrivate);
        SigningPrivateKey = signingSeed;
        SigningPublicKey = Ed25519Signer.PublicKeyFromSeed(signingSeed);
        NodeId = NodeId.FromSessionKey(SessionPublicKey);
    }

    /// <summary>X25519 private key (32 bytes, clamped).</summary>
    public byte[] SessionPrivateKey { get; }

    /// <summary>X25519 public key (32 bytes): the WireGuard static public key.</summary>
    public byte[] SessionPublicKey { get; }

    /// <summary>Ed25519 private key as its 32-byte seed.</summary>
    public byte[] SigningPrivateKey { get; }

    /// <summary>Ed25519 public key (32 bytes).</summary>
    public byte[] SigningPublicKey { get; }

    public NodeId NodeId { get; }

    public static NodeKeys Generate()
    {
        var algorithm = KeyAgreementAlgorithm.X25519;
        byte[] sessionPrivate;
        using (var key = Key.Create(algorithm, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }))
        {
            sessionPrivate = key.Export(KeyBlobFormat.RawPrivateKey);
        }

        Clamp(sessionPrivate);
        Ed25519Signer.GenerateKeyPair(out var seed, out _);
        return new NodeKeys(sessionPrivate, seed);
    }

    /// <summary>Keys from their raw private halves (32 bytes each).</summary>
    public static NodeKeys FromPrivateKeys(ReadOnlySpan<byte> sessionPrivateKey, ReadOnlySpan<byte> signingSeed)
    {
        if (sessionPrivateKey.Length != 32 || signingSeed.Length != 32)
        {
            throw new ArgumentException("Both private keys are 32 bytes.");
        }

        var session = sessionPrivateKey.ToArray();
        Clamp(session);
        return new NodeKeys(session, signingSeed.ToArray());
    }

    /// <summary>An Ed25519 signature (64 bytes) over <paramref name="message"/> with the signing key.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        var signature = new byte[Ed25519Signer.SignatureSize];
        Sign(message, signature);
        return signature;
    }

    /// <summary>Writes the 64-byte signature into <paramref name="signature"/>.</summary>
    public void Sign(ReadOnlySpan<byte> message, Span<byte> signature)
    {
        signingKey ??= Ed25519Signer.Import(SigningPrivateKey);
        Ed25519Signer.Sign(signingKey, message, signature);
    }

    /// <summary>Writes the keys to <paramref name="path"/>, mode 0600, atomically.</summary>
    public void Save(string path)
    {
        var blob = new byte[FileSize];
        blob[0] = FormatKind.Version1;
        blob[1] = FormatKind.NodeKeys;
        SessionPrivateKey.CopyTo(blob, 2);
        SigningPrivateKey.CopyTo(blob, 34);
        var text = "# Weft node private keys. Keep this file secret; it never needs to be copied.\n"
            + $"# node id: {NodeId}\n"
            + Armor.Encode(Armor.NodeKeys, blob);
        Array.Clear(blob);
        SecretFile.Write(path, text);
    }

    /// <summary>Reads keys written by <see cref="Save"/>; a <see cref="KeyFileException"/> naming the file otherwise.</summary>
    public static NodeKeys Load(string path)
    {
        var text = SecretFile.ReadText(path);
        var blob = SecretFile.ReadBlock(path, text, Armor.NodeKeys);
        var reader = new WireReader(blob);
        if (!FormatKind.Read(ref reader, FormatKind.NodeKeys)
            || !reader.Bytes("X25519 private key", 32, out var session)
            || !reader.Bytes("Ed25519 private key", 32, out var seed)
            || !reader.NoTrailingBytes("keys"))
        {
            throw new KeyFileException(path, $"the key file is corrupt ({reader.Error})");
        }

        return FromPrivateKeys(session, seed);
    }

    /// <summary>Like <see cref="Load"/> but returns the problem instead of throwing.</summary>
    public static bool TryLoad(string path, out NodeKeys? keys, out string error)
    {
        try
        {
            keys = Load(path);
            error = "";
            return true;
        }
        catch (KeyFileException e)
        {
            keys = null;
            error = e.Message;
            return false;
        }
    }

    private static byte[] X25519PublicKey(byte[] privateKey)
    {
        using var key = Key.Import(KeyAgreementAlgorithm.X25519, privateKey, KeyBlobFormat.RawPrivateKey);
        return key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
    }

    private static void Clamp(Span<byte> key)
    {
        key[0] &= 248;
        key[31] &= 127;
        key[31] |= 64;
    }
}
