using System.Net;
using Weft.Core.Identity;
using Weft.Tests;
using Xunit;

namespace Weft.Core.Tests.Identity;

public class CaCertificateTests
{
    [Fact]
    public void CarriesTheMeshSettingsAndDerivedValues()
    {
        var mesh = new TestMesh("home", "100.90.0.0/16");
        var ca = mesh.Ca.Certificate;
        Assert.Equal("home", ca.MeshName);
        Assert.Equal("home.weft", ca.Domain);
        Assert.Equal(IPNetwork.Parse("100.90.0.0/16"), ca.Ipv4Range);
        Assert.Equal(Ipv6Derivation.UlaPrefixFromCaKey(ca.PublicKey), ca.Ipv6Prefix);
        Assert.Equal(CaCertificate.IssuerIdOf(ca.PublicKey), ca.Id);
        Assert.Equal(16, ca.Id.Length);
        Assert.Equal(TestMesh.Start - CertificateAuthority.ClockSkewAllowance, ca.NotBefore);
        Assert.Equal(TestMesh.Start + TimeSpan.FromDays(3650), ca.NotAfter);
    }

    [Fact]
    public void RoundTripsThroughBinaryAndText()
    {
        var ca = new TestMesh().Ca.Certificate;
        Assert.True(CaCertificate.TryDecode(ca.Encode(), out var decoded, out var error), error);
        Assert.Equal(ca.Encode(), decoded!.Encode());
        Assert.Equal(ca.MeshName, decoded.MeshName);
        Assert.Equal(ca.Ipv6Prefix, decoded.Ipv6Prefix);
        Assert.True(CaCertificate.TryParse(ca.ToText(), out var parsed, out error), error);
        Assert.Equal(ca.Encode(), parsed!.Encode());
        Assert.StartsWith("-----BEGIN WEFT CA CERTIFICATE-----", ca.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesAnAlteredSelfSignedCertificate()
    {
        var bytes = new TestMesh().Ca.Certificate.Encode();
        bytes[54] = 17; // /16 -> /17: still well formed
        Assert.False(CaCertificate.TryDecode(bytes, out _, out var error));
        Assert.Contains("self-signature does not verify", error, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesBadFields()
    {
        var bytes = new TestMesh().Ca.Certificate.Encode();
        var hostBits = (byte[])bytes.Clone();
        hostBits[53] = 1;
        Assert.False(CaCertificate.TryDecode(hostBits, out _, out var error));
        Assert.Contains("host bits", error, StringComparison.Ordinal);
        var prefix = (byte[])bytes.Clone();
        prefix[54] = 31;
        Assert.False(CaCertificate.TryDecode(prefix, out _, out error));
        Assert.Contains("prefix length 31", error, StringComparison.Ordinal);
        Assert.False(CaCertificate.TryDecode([.. bytes, 1], out _, out error));
        Assert.Contains("trailing", error, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateRefusesBadSettings()
    {
        var clock = new ManualTimeProvider();
        Assert.Throws<ArgumentException>(() => CertificateAuthority.Create("Bad Name", IPNetwork.Parse("100.90.0.0/16"), "x.weft", TimeSpan.FromDays(1), clock));
        Assert.Throws<ArgumentException>(() => CertificateAuthority.Create("m", IPNetwork.Parse("fd00::/48"), "x.weft", TimeSpan.FromDays(1), clock));
        Assert.Throws<ArgumentException>(() => CertificateAuthority.Create("m", IPNetwork.Parse("10.0.0.0/31"), "x.weft", TimeSpan.FromDays(1), clock));
        Assert.Throws<ArgumentException>(() => CertificateAuthority.Create("m", IPNetwork.Parse("10.0.0.0/8"), "-x.weft", TimeSpan.FromDays(1), clock));
        Assert.Throws<ArgumentOutOfRangeException>(() => CertificateAuthority.Create("m", IPNetwork.Parse("10.0.0.0/8"), "x.weft", TimeSpan.Zero, clock));
    }

    [Fact]
    public void DescribeShowsMeshAndValidity()
    {
        var mesh = new TestMesh();
        var text = mesh.Ca.Certificate.Describe(mesh.Now + TimeSpan.FromDays(10));
        Assert.Contains("home", text, StringComparison.Ordinal);
        Assert.Contains("100.90.0.0/16", text, StringComparison.Ordinal);
        Assert.Contains(mesh.Ca.Certificate.Ipv6Prefix.ToString(), text, StringComparison.Ordinal);
        Assert.Contains("expires in 3640 days", text, StringComparison.Ordinal);
        Assert.Contains(mesh.Ca.Certificate.IdHex, text, StringComparison.Ordinal);
    }
}
