using System.Net;
using System.Net.Sockets;

namespace Weft.Core.Identity;

/// <summary>
/// The CA certificates this node trusts, and the one judgement made on every peer certificate:
/// issued by one of them, signed by it, valid now, and claiming only addresses the mesh allows.
/// Immutable after construction, so safe to share between threads.
/// </summary>
public sealed class TrustStore
{
    private readonly CaCertificate[] cas;

    public TrustStore(IEnumerable<CaCertificate> cas)
    {
        ArgumentNullException.ThrowIfNull(cas);
        this.cas = [.. cas];
    }

    public TrustStore(params CaCertificate[] cas)
        : this((IEnumerable<CaCertificate>)cas)
    {
    }

    public IReadOnlyList<CaCertificate> Cas => cas;

    /// <summary>The CA whose ID is <paramref name="issuerId"/>, or null.</summary>
    public CaCertificate? FindCa(ReadOnlySpan<byte> issuerId)
    {
        foreach (var ca in cas)
        {
            if (issuerId.SequenceEqual(ca.Id))
            {
                return ca;
            }
        }

        return null;
    }

    /// <summary>
    /// Checks, in this order: issuer known, CA signature, not before, not after (the CA's own
    /// validity too), IPv6 derived from the session key inside the mesh /48, every IPv4 address
    /// inside the mesh range with the mesh prefix length.
    /// </summary>
    public CertificateError Verify(Certificate cert, DateTimeOffset now) => Verify(cert, now, out _);

    /// <summary>As <see cref="Verify(Certificate, DateTimeOffset)"/>, also giving the issuing CA when it is known.</summary>
    public CertificateError Verify(Certificate cert, DateTimeOffset now, out CaCertificate? issuer)
    {
        ArgumentNullException.ThrowIfNull(cert);
        issuer = FindCa(cert.IssuerId);
        if (issuer is null)
        {
            return CertificateError.UnknownCa;
        }

        if (!Internal.Ed25519Signer.Verify(issuer.PublicKey, cert.SignedBytes, cert.Signature))
        {
            return CertificateError.BadSignature;
        }

        if (now < cert.NotBefore || now < issuer.NotBefore)
        {
            return CertificateError.NotYetValid;
        }

        if (now > cert.NotAfter || now > issuer.NotAfter)
        {
            return CertificateError.Expired;
        }

        if (!cert.Ipv6.Equals(Ipv6Derivation.NodeAddress(issuer.Ipv6Prefix, cert.SessionKey)))
        {
            return CertificateError.Ipv6NotDerivedFromKey;
        }

        foreach (var ipv4 in cert.Ipv4)
        {
            if (ipv4.Address.AddressFamily != AddressFamily.InterNetwork
                || !issuer.Ipv4Range.Contains(ipv4.Address)
                || ipv4.PrefixLength != issuer.Ipv4Range.PrefixLength)
            {
                return CertificateError.Ipv4OutsideMeshRange;
            }
        }

        return CertificateError.None;
    }

    /// <summary>A clear sentence for each refusal, for logs, status and the CLI.</summary>
    public static string Describe(CertificateError error) => error switch
    {
        CertificateError.None => "The certificate is valid.",
        CertificateError.Malformed => "The certificate is malformed and cannot be decoded.",
        CertificateError.UnknownCa => "The certificate was issued by a CA this node does not trust (unknown issuer ID).",
        CertificateError.BadSignature => "The certificate's signature does not verify with its CA's key: it was altered or forged.",
        CertificateError.Expired => "The certificate has expired (or its CA has).",
        CertificateError.NotYetValid => "The certificate is not valid yet (its not-before time is in the future; check the clocks).",
        CertificateError.Ipv6NotDerivedFromKey => "The certificate's IPv6 address is not the one derived from its key inside the mesh prefix.",
        CertificateError.Ipv4OutsideMeshRange => "The certificate's IPv4 address is outside the mesh's IPv4 range.",
        _ => $"Unknown certificate error {error}.",
    };

    /// <summary>Short lowercase form for status fields, e.g. "certificate expired".</summary>
    public static string ShortDescription(CertificateError error) => error switch
    {
        CertificateError.None => "valid",
        CertificateError.Malformed => "certificate malformed",
        CertificateError.UnknownCa => "unknown CA",
        CertificateError.BadSignature => "bad certificate signature",
        CertificateError.Expired => "certificate expired",
        CertificateError.NotYetValid => "certificate not yet valid",
        CertificateError.Ipv6NotDerivedFromKey => "IPv6 not derived from key",
        CertificateError.Ipv4OutsideMeshRange => "IPv4 outside mesh range",
        _ => error.ToString(),
    };

    /// <summary>Helper for callers holding an IPAddress: true if it is inside the mesh of any trusted CA.</summary>
    public bool IsMeshAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = Internal.IpBits.Normalize(address);
        foreach (var ca in cas)
        {
            if (ca.Ipv4Range.Contains(address) || ca.Ipv6Prefix.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
