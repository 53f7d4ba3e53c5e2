using Weft.Core.Identity.Internal;

namespace Weft.Core.Identity;

/// <summary>
/// What <c>weft join --request</c> prints for the CA: a suggested name and the new node's two
/// public keys, signed with its Ed25519 key to prove it holds that key. The private keys stay home.
/// <code>
///  offset size  field
///   0      1    format version = 1
///   1      1    kind = 0x03 (join request)
///   2     32    X25519 session public key
///  34     32    Ed25519 signing public key
///  66      1+n  suggested name: length byte, ASCII DNS label, 1..63
///   .     64    Ed25519 signature by the signing key over every byte before it
/// </code>
/// Decoding verifies the self-signature.
/// </summary>
public sealed class JoinRequest
{
    private readonly byte[] encoded;
    private readonly int signedLength;

    private JoinRequest(byte[] encoded, int signedLength, string suggestedName, byte[] sessionKey, byte[] signingKey, byte[] signature)
    {
        this.encoded = encoded;
        this.signedLength = signedLength;
        SuggestedName = suggestedName;
        SessionKey = sessionKey;
        SigningKey = signingKey;
        Signature = signature;
        NodeId = NodeId.FromSessionKey(sessionKey);
    }

    public string SuggestedName { get; }

    public byte[] SessionKey { get; }

    public byte[] SigningKey { get; }

    public byte[] Signature { get; }

    public NodeId NodeId { get; }

    /// <summary>
    /// A signed request for <paramref name="keys"/>. The name is made into a DNS label first
    /// (see <see cref="NormalizeName"/>), so a raw hostname is fine.
    /// </summary>
    public static JoinRequest Create(NodeKeys keys, string suggestedName)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var name = NormalizeName(suggestedName);
        var w = new WireWriter();
        w.Byte(FormatKind.Version1);
        w.Byte(FormatKind.JoinRequest);
        w.Bytes(keys.SessionPublicKey);
        w.Bytes(keys.SigningPublicKey);
        w.ShortAscii(name);
        w.Bytes(keys.Sign(w.Written));
        if (!TryDecode(w.Written, out var request, out var error))
        {
            throw new InvalidOperationException("A fresh join request does not decode: " + error);
        }

        return request!;
    }

    /// <summary>
    /// A valid node name from any text (a hostname): lowercase, first DNS label only, characters
    /// other than a-z 0-9 '-' become '-', at most 63, "node" if nothing is left.
    /// </summary>
    public static string NormalizeName(string? text)
    {
        var label = (text ?? "").Split('.')[0].ToLowerInvariant();
        var chars = new char[Math.Min(label.Length, 63)];
        for (var i = 0; i < chars.Length; i++)
        {
            var c = label[i];
            chars[i] = c is >= 'a' and <= 'z' or >= '0' and <= '9' ? c : '-';
        }

        var name = new string(chars).Trim('-');
        return name.Length == 0 ? "node" : name;
    }

    /// <summary>True when the self-signature verifies with <see cref="SigningKey"/>.</summary>
    public bool VerifySignature() => Ed25519Signer.Verify(SigningKey, encoded.AsSpan(0, signedLength), Signature);

    public byte[] Encode() => (byte[])encoded.Clone();

    public string ToText() => Armor.Encode(Armor.JoinRequest, encoded);

    public static bool TryDecode(ReadOnlySpan<byte> bytes, out JoinRequest? request, out string error)
    {
        if (!TryDecodeUnverified(bytes, out request, out error))
        {
            return false;
        }

        if (!request!.VerifySignature())
        {
            request = null;
            error = "not a valid join request: its signature does not verify with its signing key (altered or corrupt)";
            return false;
        }

        return true;
    }

    /// <summary>Structure only, no signature check: for tests that need a request with a bad signature.</summary>
    internal static bool TryDecodeUnverified(ReadOnlySpan<byte> bytes, out JoinRequest? request, out string error)
    {
        request = null;
        var r = new WireReader(bytes);
        if (!FormatKind.Read(ref r, FormatKind.JoinRequest)
            || !r.Bytes("session key", 32, out var sessionKey)
            || !r.Bytes("signing key", 32, out var signingKey)
            || !r.ShortText("suggested name", TextRule.NodeName, out var name))
        {
            error = "not a valid join request: " + r.Error;
            return false;
        }

        var signedLength = r.Position;
        if (!r.Bytes("signature", Ed25519Signer.SignatureSize, out var signature) || !r.NoTrailingBytes("join request"))
        {
            error = "not a valid join request: " + r.Error;
            return false;
        }

        request = new JoinRequest(bytes.ToArray(), signedLength, name, sessionKey.ToArray(), signingKey.ToArray(), signature.ToArray());
        error = "";
        return true;
    }

    public static bool TryParse(string? text, out JoinRequest? request, out string error)
    {
        request = null;
        if (!Armor.TryDecode(text, Armor.JoinRequest, out var bytes, out error))
        {
            return false;
        }

        return TryDecode(bytes, out request, out error);
    }

    /// <summary>Same as <see cref="TryParse"/> (the name every identity type shares).</summary>
    public static bool TryParseText(string? text, out JoinRequest? request, out string error) => TryParse(text, out request, out error);

    public string Describe() => new Description()
        .Line("type", "join request")
        .Line("name", SuggestedName)
        .Line("node id", NodeId.ToString())
        .Line("session key", Description.Key(SessionKey))
        .Line("signing key", Description.Key(SigningKey))
        .Line("signature", VerifySignature() ? "valid (the requester holds the signing key)" : "INVALID")
        .Line("fingerprint", Description.Fingerprint(encoded))
        .ToString();
}
