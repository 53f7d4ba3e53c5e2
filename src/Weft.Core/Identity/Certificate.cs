using System.Net;
using System.Net.Sockets;
using Weft.Core.Identity.Internal;

namespace Weft.Core.Identity;

/// <summary>
/// A node certificate: the CA's signed statement of who a node is (name, keys), which addresses it
/// owns (IPv4 from the CA, IPv6 derived from its key, routed subnets) and what it may do (groups,
/// roles), for a bounded time. Compact, versioned, canonical binary; the signature covers exactly
/// the bytes before it.
/// <code>
///  offset size  field
///   0      1    format version = 1
///   1      1    kind = 0x01 (node certificate)
///   2     32    X25519 session public key (the WireGuard static key)
///  34     32    Ed25519 signing public key
///  66     16    issuer ID = SHA-256(CA public key)[0..16]
///  82      8    not-before, unix seconds, big-endian signed
///  90      8    not-after, unix seconds
///  98     16    IPv6 address (mesh /48 + 80 key-derived bits)
/// 114      1+n  name: length byte, ASCII DNS label, 1..63
///   .      1    IPv4 count (0..4), then per address:
///                 4  address, 1  prefix length (0..32)        e.g. 100.90.0.2/16
///   .      1    subnet count (0..16), then per subnet:
///                 1  family (4 | 6), 1  prefix length, 4 | 16  address (host bits zero)
///   .      1    group count (0..16), then per group: length byte + ASCII token (1..63)
///   .      1    role count (0..16), then per role: length byte + ASCII token (1..63)
///   .     64    Ed25519 signature by the CA over every byte before it
/// </code>
/// Decoding checks structure only and never throws; <see cref="TrustStore.Verify(Certificate, DateTimeOffset)"/>
/// checks issuer, signature, time and addresses.
/// </summary>
public sealed class Certificate
{
    public const int MaxIpv4 = 4;
    public const int MaxSubnets = 16;
    public const int MaxGroups = 16;
    public const int MaxRoles = 16;

    private readonly byte[] encoded;
    private readonly int signedLength;

    private Certificate(byte[] encoded, int signedLength)
    {
        this.encoded = encoded;
        this.signedLength = signedLength;
        Name = "";
        SessionKey = SigningKey = IssuerId = Signature = [];
        Ipv4 = [];
        Ipv6 = IPAddress.IPv6None;
        Subnets = [];
        Groups = Roles = [];
    }

    public int Version { get; private init; }

    public string Name { get; private init; }

    /// <summary>X25519 public key (32 bytes), the node's WireGuard static key.</summary>
    public byte[] SessionKey { get; private init; }

    /// <summary>Ed25519 public key (32 bytes) that signs the node's hellos.</summary>
    public byte[] SigningKey { get; private init; }

    public NodeId NodeId { get; private init; }

    /// <summary>IPv4 host address(es) with the mesh prefix length, e.g. 100.90.0.2/16.</summary>
    public IReadOnlyList<InterfaceAddress> Ipv4 { get; private init; }

    public IPAddress Ipv6 { get; private init; }

    /// <summary>Networks behind this node that it may route for (subnet router, exit node).</summary>
    public IReadOnlyList<IPNetwork> Subnets { get; private init; }

    public IReadOnlyList<string> Groups { get; private init; }

    public IReadOnlyList<string> Roles { get; private init; }

    public DateTimeOffset NotBefore { get; private init; }

    public DateTimeOffset NotAfter { get; private init; }

    /// <summary>SHA-256(CA public key)[0..16]; see <see cref="CaCertificate.Id"/>.</summary>
    public byte[] IssuerId { get; private init; }

    public byte[] Signature { get; private init; }

    /// <summary>The bytes the CA signed (everything before the signature).</summary>
    public ReadOnlySpan<byte> SignedBytes => encoded.AsSpan(0, signedLength);

    /// <summary>The encoding, without copying (for writing hellos).</summary>
    public ReadOnlySpan<byte> EncodedSpan => encoded;

    public byte[] Encode() => (byte[])encoded.Clone();

    public string ToText() => Armor.Encode(Armor.Certificate, encoded);

    public bool IsValidAt(DateTimeOffset now) => now >= NotBefore && now <= NotAfter;

    public bool HasGroup(string group) => Contains(Groups, group);

    public bool HasRole(string role) => Contains(Roles, role);

    /// <summary>
    /// True when <paramref name="address"/> is one of this node's IPv4 host addresses, its IPv6
    /// address, or inside one of its subnets: whether a packet from this node may carry it as source.
    /// </summary>
    public bool Owns(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = IpBits.Normalize(address);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            foreach (var ipv4 in Ipv4)
            {
                if (ipv4.Address.Equals(address))
                {
                    return true;
                }
            }
        }
        else if (Ipv6.Equals(address))
        {
            return true;
        }

        foreach (var subnet in Subnets)
        {
            if (subnet.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    public static bool TryDecode(ReadOnlySpan<byte> bytes, out Certificate? certificate, out string error)
    {
        certificate = null;
        var r = new WireReader(bytes);
        if (!FormatKind.Read(ref r, FormatKind.NodeCertificate)
            || !r.Bytes("session key", 32, out var sessionKey)
            || !r.Bytes("signing key", 32, out var signingKey)
            || !r.Bytes("issuer ID", CaCertificate.IdSize, out var issuer)
            || !r.UnixSeconds("not-before", out var notBefore)
            || !r.UnixSeconds("not-after", out var notAfter)
            || !r.Bytes("IPv6 address", 16, out var ipv6)
            || !r.ShortText("name", TextRule.NodeName, out var name)
            || !ReadIpv4(ref r, out var ipv4)
            || !ReadSubnets(ref r, out var subnets)
            || !r.TextList("group", TextRule.Token, MaxGroups, out var groups)
            || !r.TextList("role", TextRule.Token, MaxRoles, out var roles))
        {
            error = "not a valid certificate: " + r.Error;
            return false;
        }

        var signedLength = r.Position;
        if (!r.Bytes("signature", Ed25519Signer.SignatureSize, out var signature) || !r.NoTrailingBytes("certificate"))
        {
            error = "not a valid certificate: " + r.Error;
            return false;
        }

        if (notAfter < notBefore)
        {
            error = "not a valid certificate: not-after is before not-before";
            return false;
        }

        certificate = new Certificate(bytes.ToArray(), signedLength)
        {
            Version = FormatKind.Version1,
            Name = name,
            SessionKey = sessionKey.ToArray(),
            SigningKey = signingKey.ToArray(),
            NodeId = NodeId.FromSessionKey(sessionKey),
            IssuerId = issuer.ToArray(),
            NotBefore = notBefore,
            NotAfter = notAfter,
            Ipv6 = new IPAddress(ipv6),
            Ipv4 = ipv4,
            Subnets = subnets,
            Groups = groups,
            Roles = roles,
            Signature = signature.ToArray(),
        };
        error = "";
        return true;
    }

    /// <summary>Parses the armored text form (see <see cref="ToText"/>).</summary>
    public static bool TryParseText(string? text, out Certificate? certificate, out string error)
    {
        certificate = null;
        if (!Armor.TryDecode(text, Armor.Certificate, out var bytes, out error))
        {
            return false;
        }

        return TryDecode(bytes, out certificate, out error);
    }

    /// <summary>Same as <see cref="TryParseText"/> (the name every identity type shares).</summary>
    public static bool TryParse(string? text, out Certificate? certificate, out string error) =>
        TryParseText(text, out certificate, out error);

    /// <summary>Multi-line "key: value" text for <c>weft cert show</c>; validity relative to <paramref name="now"/>.</summary>
    public string Describe(DateTimeOffset now)
    {
        var subnets = new List<string>();
        foreach (var s in Subnets)
        {
            subnets.Add(s.ToString());
        }

        var ipv4 = new List<string>();
        foreach (var a in Ipv4)
        {
            ipv4.Add(a.ToString());
        }

        return new Description()
            .Line("type", "node certificate (version " + Version + ")")
            .Line("name", Name)
            .Line("node id", NodeId.ToString())
            .Lines("ipv4", ipv4)
            .Line("ipv6", Ipv6.ToString())
            .Lines("subnets", subnets)
            .Lines("groups", Groups)
            .Lines("roles", Roles)
            .Validity(NotBefore, NotAfter, now)
            .Line("issuer", Convert.ToHexStringLower(IssuerId))
            .Line("session key", Description.Key(SessionKey))
            .Line("signing key", Description.Key(SigningKey))
            .Line("fingerprint", Description.Fingerprint(encoded))
            .ToString();
    }

    /// <summary>
    /// Encodes <paramref name="content"/>, signs it with the CA key and decodes the result, so an
    /// issued certificate is exactly what a peer will decode. No policy checks: see
    /// <see cref="CertificateAuthority.TrySign"/>.
    /// </summary>
    internal static Certificate Issue(CertificateContent content, NSec.Cryptography.Key caKey)
    {
        TextRule.NodeName.Require(content.Name, nameof(content), "node name");
        if (content.Ipv4.Count > MaxIpv4 || content.Subnets.Count > MaxSubnets || content.Groups.Count > MaxGroups || content.Roles.Count > MaxRoles)
        {
            throw new ArgumentException($"A certificate holds at most {MaxIpv4} IPv4 addresses, {MaxSubnets} subnets, {MaxGroups} groups and {MaxRoles} roles.", nameof(content));
        }

        foreach (var ipv4 in content.Ipv4)
        {
            if (ipv4.Address.AddressFamily != AddressFamily.InterNetwork)
            {
                throw new ArgumentException($"{ipv4} is not an IPv4 address.", nameof(content));
            }
        }

        var w = new WireWriter();
        w.Byte(FormatKind.Version1);
        w.Byte(FormatKind.NodeCertificate);
        w.Bytes(content.SessionKey);
        w.Bytes(content.SigningKey);
        w.Bytes(content.IssuerId);
        w.Int64(content.NotBefore.ToUnixTimeSeconds());
        w.Int64(content.NotAfter.ToUnixTimeSeconds());
        Span<byte> address = stackalloc byte[16];
        content.Ipv6.TryWriteBytes(address, out _);
        w.Bytes(address);
        w.ShortAscii(content.Name);
        w.Byte(content.Ipv4.Count);
        foreach (var ipv4 in content.Ipv4)
        {
            ipv4.Address.TryWriteBytes(address, out _);
            w.Bytes(address[..4]);
            w.Byte(ipv4.PrefixLength);
        }

        w.Byte(content.Subnets.Count);
        foreach (var subnet in content.Subnets)
        {
            subnet.BaseAddress.TryWriteBytes(address, out var length);
            w.Byte(length == 4 ? 4 : 6);
            w.Byte(subnet.PrefixLength);
            w.Bytes(address[..length]);
        }

        WriteList(w, content.Groups, "group");
        WriteList(w, content.Roles, "role");
        Span<byte> signature = stackalloc byte[Ed25519Signer.SignatureSize];
        Ed25519Signer.Sign(caKey, w.Written, signature);
        w.Bytes(signature);
        if (!TryDecode(w.Written, out var certificate, out var error))
        {
            throw new ArgumentException("The certificate content cannot be encoded: " + error, nameof(content));
        }

        return certificate!;
    }

    private static void WriteList(WireWriter w, IReadOnlyList<string> values, string what)
    {
        w.Byte(values.Count);
        foreach (var value in values)
        {
            TextRule.Token.Require(value, nameof(values), what);
            w.ShortAscii(value);
        }
    }

    private static bool ReadIpv4(ref WireReader r, out InterfaceAddress[] values)
    {
        values = [];
        if (!r.Byte("IPv4 count", out var count))
        {
            return false;
        }

        if (count > MaxIpv4)
        {
            return r.Fail($"too many IPv4 addresses: {count}, at most {MaxIpv4}");
        }

        var list = new InterfaceAddress[count];
        for (var i = 0; i < count; i++)
        {
            if (!r.Bytes("IPv4 address", 4, out var address) || !r.Byte("IPv4 prefix length", out var prefix))
            {
                return false;
            }

            if (prefix > 32)
            {
                return r.Fail($"IPv4 prefix length {prefix} is longer than 32");
            }

            list[i] = new InterfaceAddress(new IPAddress(address), prefix);
        }

        values = list;
        return true;
    }

    private static bool ReadSubnets(ref WireReader r, out IPNetwork[] values)
    {
        values = [];
        if (!r.Byte("subnet count", out var count))
        {
            return false;
        }

        if (count > MaxSubnets)
        {
            return r.Fail($"too many subnets: {count}, at most {MaxSubnets}");
        }

        var list = new IPNetwork[count];
        for (var i = 0; i < count; i++)
        {
            if (!r.Network("subnet", out list[i]))
            {
                return false;
            }
        }

        values = list;
        return true;
    }

    private static bool Contains(IReadOnlyList<string> list, string value)
    {
        foreach (var item in list)
        {
            if (string.Equals(item, value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
