using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Weft.Core.Identity.Internal;

namespace Weft.Core.Identity;

/// <summary>
/// The self-signed root of a mesh: its name, IPv4 range, DNS domain, validity and the CA's
/// Ed25519 public key. The IPv6 /48 and the issuer ID are derived from the key, not carried.
/// Every member holds a copy; it is the only thing a node needs to judge certificates.
/// <code>
///  offset size  field
///   0      1    format version = 1
///   1      1    kind = 0x02 (CA certificate)
///   2     32    CA Ed25519 public key
///  34      8    not-before, unix seconds, big-endian signed
///  42      8    not-after, unix seconds
///  50      4    IPv4 range network address (host bits zero)
///  54      1    IPv4 range prefix length (8..30)
///  55      1+n  mesh name: length byte, ASCII (a-z 0-9 - _ .), 1..63
///   .      1+m  DNS domain: length byte, ASCII DNS name, 1..253
///   .     64    Ed25519 signature by the CA key over every byte before it
/// </code>
/// Decoding verifies the self-signature: a CA certificate that does not verify is not a CA certificate.
/// </summary>
public sealed class CaCertificate
{
    /// <summary>The issuer ID is this many leading bytes of SHA-256(CA public key).</summary>
    public const int IdSize = 16;

    private readonly byte[] encoded;

    private CaCertificate(byte[] encoded, byte[] publicKey, DateTimeOffset notBefore, DateTimeOffset notAfter,
        IPNetwork ipv4Range, string meshName, string domain, byte[] signature)
    {
        this.encoded = encoded;
        PublicKey = publicKey;
        NotBefore = notBefore;
        NotAfter = notAfter;
        Ipv4Range = ipv4Range;
        MeshName = meshName;
        Domain = domain;
        Signature = signature;
        Ipv6Prefix = Ipv6Derivation.UlaPrefixFromCaKey(publicKey);
        Id = IssuerIdOf(publicKey);
    }

    public string MeshName { get; }

    public IPNetwork Ipv4Range { get; }

    /// <summary>The mesh's ULA /48, derived from <see cref="PublicKey"/>.</summary>
    public IPNetwork Ipv6Prefix { get; }

    public string Domain { get; }

    public DateTimeOffset NotBefore { get; }

    public DateTimeOffset NotAfter { get; }

    /// <summary>The CA's Ed25519 public key (32 bytes).</summary>
    public byte[] PublicKey { get; }

    /// <summary>The issuer ID node certificates carry: SHA-256(<see cref="PublicKey"/>)[0..16].</summary>
    public byte[] Id { get; }

    public byte[] Signature { get; }

    /// <summary>Hex of <see cref="Id"/>, as printed.</summary>
    public string IdHex => Convert.ToHexStringLower(Id);

    public static byte[] IssuerIdOf(ReadOnlySpan<byte> caPublicKey) => SHA256.HashData(caPublicKey)[..IdSize];

    public byte[] Encode() => (byte[])encoded.Clone();

    public string ToText() => Armor.Encode(Armor.CaCertificate, encoded);

    public bool IsValidAt(DateTimeOffset now) => now >= NotBefore && now <= NotAfter;

    public static bool TryDecode(ReadOnlySpan<byte> bytes, out CaCertificate? ca, out string error)
    {
        ca = null;
        var r = new WireReader(bytes);
        if (!FormatKind.Read(ref r, FormatKind.CaCertificate)
            || !r.Bytes("CA public key", 32, out var publicKey)
            || !r.UnixSeconds("not-before", out var notBefore)
            || !r.UnixSeconds("not-after", out var notAfter)
            || !r.Bytes("IPv4 range", 4, out var range)
            || !r.Byte("IPv4 prefix length", out var prefix)
            || !CheckRange(ref r, range, prefix)
            || !r.ShortText("mesh name", TextRule.Token, out var meshName)
            || !r.ShortText("domain", TextRule.Domain, out var domain))
        {
            error = "not a valid CA certificate: " + r.Error;
            return false;
        }

        var signedLength = r.Position;
        if (!r.Bytes("signature", Ed25519Signer.SignatureSize, out var signature) || !r.NoTrailingBytes("CA certificate"))
        {
            error = "not a valid CA certificate: " + r.Error;
            return false;
        }

        if (notAfter < notBefore)
        {
            error = "not a valid CA certificate: not-after is before not-before";
            return false;
        }

        if (!Ed25519Signer.Verify(publicKey, bytes[..signedLength], signature))
        {
            error = "not a valid CA certificate: its self-signature does not verify (altered or corrupt)";
            return false;
        }

        ca = new CaCertificate(bytes.ToArray(), publicKey.ToArray(), notBefore, notAfter,
            new IPNetwork(new IPAddress(range), prefix), meshName, domain, signature.ToArray());
        error = "";
        return true;
    }

    /// <summary>Parses the armored text form (see <see cref="ToText"/>).</summary>
    public static bool TryParse(string? text, out CaCertificate? ca, out string error)
    {
        ca = null;
        if (!Armor.TryDecode(text, Armor.CaCertificate, out var bytes, out error))
        {
            return false;
        }

        return TryDecode(bytes, out ca, out error);
    }

    /// <summary>Same as <see cref="TryParse"/> (the name every identity type shares).</summary>
    public static bool TryParseText(string? text, out CaCertificate? ca, out string error) => TryParse(text, out ca, out error);

    /// <summary>Multi-line "key: value" text for <c>weft cert show</c>.</summary>
    public string Describe(DateTimeOffset now) => new Description()
        .Line("type", "mesh CA certificate")
        .Line("mesh", MeshName)
        .Line("domain", Domain)
        .Line("ipv4 range", Ipv4Range.ToString())
        .Line("ipv6 prefix", Ipv6Prefix.ToString())
        .Validity(NotBefore, NotAfter, now)
        .Line("ca id", IdHex)
        .Line("public key", Description.Key(PublicKey))
        .Line("fingerprint", Description.Fingerprint(encoded))
        .ToString();

    /// <summary>Builds and self-signs a CA certificate (used by <see cref="CertificateAuthority"/>).</summary>
    internal static CaCertificate Create(NSec.Cryptography.Key caKey, string meshName, IPNetwork ipv4Range, string domain,
        DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        TextRule.Token.Require(meshName, nameof(meshName), "mesh name");
        TextRule.Domain.Require(domain, nameof(domain), "domain");
        if (ipv4Range.BaseAddress.AddressFamily != AddressFamily.InterNetwork || ipv4Range.PrefixLength is < 8 or > 30)
        {
            throw new ArgumentException($"The mesh IPv4 range must be an IPv4 network from /8 to /30, not {ipv4Range}.", nameof(ipv4Range));
        }

        var w = new WireWriter();
        w.Byte(FormatKind.Version1);
        w.Byte(FormatKind.CaCertificate);
        w.Bytes(caKey.PublicKey.Export(NSec.Cryptography.KeyBlobFormat.RawPublicKey));
        w.Int64(notBefore.ToUnixTimeSeconds());
        w.Int64(notAfter.ToUnixTimeSeconds());
        Span<byte> range = stackalloc byte[4];
        ipv4Range.BaseAddress.TryWriteBytes(range, out _);
        w.Bytes(range);
        w.Byte(ipv4Range.PrefixLength);
        w.ShortAscii(meshName);
        w.ShortAscii(domain);
        Span<byte> signature = stackalloc byte[Ed25519Signer.SignatureSize];
        Ed25519Signer.Sign(caKey, w.Written, signature);
        w.Bytes(signature);
        if (!TryDecode(w.Written, out var ca, out var error))
        {
            throw new InvalidOperationException("A freshly made CA certificate does not decode: " + error);
        }

        return ca!;
    }

    private static bool CheckRange(ref WireReader r, ReadOnlySpan<byte> range, byte prefix)
    {
        if (prefix is < 8 or > 30)
        {
            return r.Fail($"IPv4 range prefix length {prefix} is not between 8 and 30");
        }

        return IpBits.HostBitsZero(range, prefix) || r.Fail("IPv4 range has host bits set");
    }
}
