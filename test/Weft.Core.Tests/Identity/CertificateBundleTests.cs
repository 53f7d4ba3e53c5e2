using Weft.Core.Identity;
using Xunit;

namespace Weft.Core.Tests.Identity;

public class CertificateBundleTests
{
    [Fact]
    public void RoundTripsThroughTextAndBinary()
    {
        var mesh = new TestMesh();
        var (_, cert) = mesh.Member("laptop", "100.90.0.2");
        var bundle = new CertificateBundle(cert, mesh.Ca.Certificate);

        var text = bundle.ToText();
        Assert.Contains("-----BEGIN WEFT CERTIFICATE-----", text, StringComparison.Ordinal);
        Assert.Contains("-----BEGIN WEFT CA CERTIFICATE-----", text, StringComparison.Ordinal);
        Assert.True(CertificateBundle.TryParse(text, out var parsed, out var error), error);
        Assert.Equal(cert.Encode(), parsed!.Node.Encode());
        Assert.Equal(mesh.Ca.Certificate.Encode(), parsed.Ca.Encode());

        Assert.True(CertificateBundle.TryDecode(bundle.Encode(), out var decoded, out error), error);
        Assert.Equal(cert.Encode(), decoded!.Node.Encode());
        Assert.Equal(mesh.Ca.Certificate.Encode(), decoded.Ca.Encode());
        Assert.False(CertificateBundle.TryDecode([.. bundle.Encode(), 9], out _, out error));
        Assert.Contains("trailing", error, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesANodeCertificateFromAnotherCa()
    {
        var a = new TestMesh();
        var b = new TestMesh();
        var text = a.Member("x", "100.90.0.2").Cert.ToText() + b.Ca.Certificate.ToText();
        Assert.False(CertificateBundle.TryParse(text, out _, out var error));
        Assert.Contains("not by the bundled CA", error, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesATamperedNodeCertificate()
    {
        var mesh = new TestMesh();
        var bytes = mesh.Member("x", "100.90.0.2").Cert.Encode();
        bytes[^2] ^= 4;
        Assert.True(Certificate.TryDecode(bytes, out var tampered, out _));
        Assert.False(CertificateBundle.TryParse(tampered!.ToText() + mesh.Ca.Certificate.ToText(), out _, out var error));
        Assert.Contains("signature", error, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesAHalfBundle()
    {
        var mesh = new TestMesh();
        Assert.False(CertificateBundle.TryParse(mesh.Member("x", "100.90.0.2").Cert.ToText(), out _, out var error));
        Assert.Contains("no CA certificate", error, StringComparison.Ordinal);
        Assert.False(CertificateBundle.TryParse(mesh.Ca.Certificate.ToText(), out _, out _));
    }

    [Fact]
    public void DescribeShowsBothAndTheVerdict()
    {
        var mesh = new TestMesh();
        var bundle = new CertificateBundle(mesh.Member("laptop", "100.90.0.2").Cert, mesh.Ca.Certificate);
        var text = bundle.Describe(mesh.Now);
        Assert.Contains("laptop", text, StringComparison.Ordinal);
        Assert.Contains("mesh CA certificate", text, StringComparison.Ordinal);
        Assert.Contains("The certificate is valid.", text, StringComparison.Ordinal);
        Assert.Contains("has expired", bundle.Describe(mesh.Now + TimeSpan.FromDays(400)), StringComparison.Ordinal);
    }
}
