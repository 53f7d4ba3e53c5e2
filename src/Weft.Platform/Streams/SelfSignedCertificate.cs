using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Weft.Platform.Streams;

/// <summary>
/// The TLS server certificate of a <see cref="StreamTransport"/>: self-signed, ECDSA P-256, made in
/// memory at start and never written anywhere. It authenticates nothing — TLS here only makes the
/// connection look like ordinary HTTPS to middleboxes; who the peer is gets settled by the hello and
/// the WireGuard handshake inside — so clients accept any certificate.
/// </summary>
internal static class SelfSignedCertificate
{
    /// <summary>A neutral subject: nothing in the certificate names Weft or the mesh.</summary>
    private const string Subject = "CN=localhost";

    public static X509Certificate2 Create(DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(Subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false)); // serverAuth
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
    }
}
