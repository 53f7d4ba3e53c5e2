namespace Weft.Core.Identity;

/// <summary>Why a node certificate is refused; <see cref="TrustStore.Describe(CertificateError)"/> says it in a sentence.</summary>
public enum CertificateError
{
    None,
    Malformed,
    UnknownCa,
    BadSignature,
    Expired,
    NotYetValid,
    Ipv6NotDerivedFromKey,
    Ipv4OutsideMeshRange,
}
