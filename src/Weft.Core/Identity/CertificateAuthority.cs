using System.Net;
using System.Net.Sockets;
using NSec.Cryptography;
using Weft.Core.Identity.Internal;

namespace Weft.Core.Identity;

/// <summary>
/// The mesh CA: its Ed25519 private key and its certificate. Lives only on the CA machine (which
/// may be offline); signing a join request is how a node becomes a member. Saved as one file,
/// mode 0600, written atomically:
/// <code>
/// # comment lines
/// -----BEGIN WEFT CA PRIVATE KEY-----      base64 of: version=1 | kind=0x12 | Ed25519 seed (32)
/// -----END WEFT CA PRIVATE KEY-----
/// -----BEGIN WEFT CA CERTIFICATE-----      see CaCertificate
/// -----END WEFT CA CERTIFICATE-----
/// </code>
/// </summary>
public sealed class CertificateAuthority
{
    /// <summary>
    /// Certificates start this long before the moment they are signed, so that a member whose clock
    /// is a little behind the CA machine's does not see a fresh certificate as "not yet valid".
    /// </summary>
    public static readonly TimeSpan ClockSkewAllowance = TimeSpan.FromMinutes(5);

    private readonly byte[] seed;
    private Key? key;

    private CertificateAuthority(byte[] seed, CaCertificate certificate)
    {
        this.seed = seed;
        Certificate = certificate;
    }

    public CaCertificate Certificate { get; }

    private Key SigningKey => key ??= Ed25519Signer.Import(seed);

    /// <summary>A new CA with a fresh key; valid from now (less <see cref="ClockSkewAllowance"/>) for <paramref name="validity"/>.</summary>
    public static CertificateAuthority Create(string meshName, IPNetwork ipv4Range, string domain, TimeSpan validity, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(validity, TimeSpan.Zero);
        Ed25519Signer.GenerateKeyPair(out var seed, out _);
        var now = TruncateToSeconds(time.GetUtcNow());
        using var caKey = Ed25519Signer.Import(seed);
        var certificate = CaCertificate.Create(caKey, meshName, ipv4Range, domain, now - ClockSkewAllowance, now + validity);
        return new CertificateAuthority(seed, certificate);
    }

    /// <summary>
    /// Signs a node certificate for <paramref name="request"/> or throws an <see cref="ArgumentException"/>
    /// saying what is wrong (bad request signature, invalid name/group/role, IPv4 outside the mesh).
    /// </summary>
    public Certificate Sign(JoinRequest request, string name, IReadOnlyList<string> groups, IReadOnlyList<string> roles,
        IPAddress ipv4, TimeSpan validity, DateTimeOffset now, IReadOnlyList<IPNetwork>? subnets = null)
    {
        if (!TrySign(request, name, groups, roles, ipv4, validity, now, out var certificate, out var error, subnets))
        {
            throw new ArgumentException(error);
        }

        return certificate!;
    }

    /// <summary>
    /// As <see cref="Sign"/> but returns the problem. The IPv4 address gets the mesh range's prefix
    /// length; the IPv6 is derived from the key; not-before is <paramref name="now"/> minus
    /// <see cref="ClockSkewAllowance"/>, not-after is <paramref name="now"/> plus <paramref name="validity"/>
    /// (whole seconds), cut to the CA's own not-after.
    /// </summary>
    public bool TrySign(JoinRequest request, string name, IReadOnlyList<string> groups, IReadOnlyList<string> roles,
        IPAddress ipv4, TimeSpan validity, DateTimeOffset now, out Certificate? certificate, out string error,
        IReadOnlyList<IPNetwork>? subnets = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentNullException.ThrowIfNull(ipv4);
        certificate = null;
        subnets ??= [];
        error = Check(request, name, groups, roles, IpBits.Normalize(ipv4), validity, subnets);
        if (error.Length != 0)
        {
            return false;
        }

        now = TruncateToSeconds(now);
        var notBefore = now - ClockSkewAllowance < Certificate.NotBefore ? Certificate.NotBefore : now - ClockSkewAllowance;
        var notAfter = validity >= Certificate.NotAfter - now ? Certificate.NotAfter : now + validity;

        if (notAfter < notBefore)
        {
            error = "The CA certificate has expired; it cannot sign.";
            return false;
        }

        certificate = Issue(new CertificateContent(
            name,
            request.SessionKey,
            request.SigningKey,
            Certificate.Id,
            notBefore,
            notAfter,
            Ipv6Derivation.NodeAddress(Certificate.Ipv6Prefix, request.SessionKey),
            [new InterfaceAddress(IpBits.Normalize(ipv4), Certificate.Ipv4Range.PrefixLength)],
            subnets,
            groups,
            roles));
        return true;
    }

    /// <summary>Signs exactly <paramref name="content"/>, no policy checks (tests make bad certificates with it).</summary>
    internal Certificate Issue(CertificateContent content) => Identity.Certificate.Issue(content, SigningKey);

    /// <summary>Writes the CA key and certificate to <paramref name="path"/>, mode 0600, atomically.</summary>
    public void Save(string path)
    {
        var blob = new byte[2 + Ed25519Signer.SeedSize];
        blob[0] = FormatKind.Version1;
        blob[1] = FormatKind.CaPrivateKey;
        seed.CopyTo(blob, 2);
        var text = $"# Weft mesh CA for '{Certificate.MeshName}'. The private key signs members: keep this file secret, ideally offline.\n"
            + Armor.Encode(Armor.CaPrivateKey, blob)
            + Certificate.ToText();
        Array.Clear(blob);
        SecretFile.Write(path, text);
    }

    /// <summary>Reads a CA written by <see cref="Save"/>; a <see cref="KeyFileException"/> naming the file otherwise.</summary>
    public static CertificateAuthority Load(string path)
    {
        var text = SecretFile.ReadText(path);
        var blob = SecretFile.ReadBlock(path, text, Armor.CaPrivateKey);
        var reader = new WireReader(blob);
        if (!FormatKind.Read(ref reader, FormatKind.CaPrivateKey)
            || !reader.Bytes("CA private key", Ed25519Signer.SeedSize, out var seed)
            || !reader.NoTrailingBytes("CA private key"))
        {
            throw new KeyFileException(path, $"the CA key file is corrupt ({reader.Error})");
        }

        var certificateBytes = SecretFile.ReadBlock(path, text, Armor.CaCertificate);
        if (!CaCertificate.TryDecode(certificateBytes, out var certificate, out var error))
        {
            throw new KeyFileException(path, $"the CA certificate in the key file is corrupt ({error})");
        }

        if (!Ed25519Signer.PublicKeyFromSeed(seed).AsSpan().SequenceEqual(certificate!.PublicKey))
        {
            throw new KeyFileException(path, "the CA private key does not match the CA certificate in the same file");
        }

        return new CertificateAuthority(seed.ToArray(), certificate);
    }

    private string Check(JoinRequest request, string name, IReadOnlyList<string> groups, IReadOnlyList<string> roles,
        IPAddress ipv4, TimeSpan validity, IReadOnlyList<IPNetwork> subnets)
    {
        if (!request.VerifySignature())
        {
            return "The join request's signature does not verify with its signing key: it was altered or forged.";
        }

        if (!TextRule.NodeName.IsValid(name ?? "", out var why))
        {
            return $"The node name '{name}' {why}.";
        }

        foreach (var (list, what, max) in new[] { (groups, "group", Identity.Certificate.MaxGroups), (roles, "role", Identity.Certificate.MaxRoles) })
        {
            if (list.Count > max)
            {
                return $"A certificate holds at most {max} {what}s, not {list.Count}.";
            }

            foreach (var item in list)
            {
                if (!TextRule.Token.IsValid(item ?? "", out why))
                {
                    return $"The {what} '{item}' {why}.";
                }
            }
        }

        if (subnets.Count > Identity.Certificate.MaxSubnets)
        {
            return $"A certificate holds at most {Identity.Certificate.MaxSubnets} subnets, not {subnets.Count}.";
        }

        var range = Certificate.Ipv4Range;
        if (ipv4.AddressFamily != AddressFamily.InterNetwork || !range.Contains(ipv4))
        {
            return $"The address {ipv4} is outside the mesh IPv4 range {range}.";
        }

        var host = IpBits.ToUInt32(ipv4);
        var network = IpBits.ToUInt32(range.BaseAddress);
        var broadcast = network | (uint.MaxValue >> range.PrefixLength);
        if (host == network || host == broadcast)
        {
            return $"The address {ipv4} is the network or broadcast address of {range}.";
        }

        if (validity <= TimeSpan.Zero)
        {
            return "The validity must be positive.";
        }

        return "";
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset time) => DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds());
}
