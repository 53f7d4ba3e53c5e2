using System.Net;
using Weft.Core.Identity;
using Weft.Core.Identity.Internal;
using Xunit;

namespace Weft.Core.Tests.Identity;

/// <summary>Each way a certificate can be wrong is refused with its own error and sentence.</summary>
public class TrustStoreTests
{
    [Fact]
    public void AcceptsAValidMember()
    {
        var mesh = new TestMesh();
        var (_, cert) = mesh.Member("a", "100.90.0.2");
        Assert.Equal(CertificateError.None, mesh.Trust.Verify(cert, mesh.Now, out var issuer));
        Assert.Same(mesh.Ca.Certificate, issuer);
    }

    [Fact]
    public void RefusesACertificateFromAnUnknownCa()
    {
        var mine = new TestMesh();
        var theirs = new TestMesh();
        var (_, cert) = theirs.Member("intruder", "100.90.0.2");
        Assert.Equal(CertificateError.UnknownCa, mine.Trust.Verify(cert, mine.Now));
        Assert.Equal(CertificateError.None, new TrustStore(mine.Ca.Certificate, theirs.Ca.Certificate).Verify(cert, mine.Now));
    }

    [Fact]
    public void RefusesATamperedCertificate()
    {
        var mesh = new TestMesh();
        var bytes = mesh.Member("a", "100.90.0.2", ["users"]).Cert.Encode();
        var groupAt = bytes.Length - 64 - 1 - 5; // "users" is the last text before the role count
        Assert.Equal((byte)'u', bytes[groupAt]);
        bytes[groupAt] = (byte)'z'; // "zsers": still a valid encoding
        Assert.True(Certificate.TryDecode(bytes, out var tampered, out var error), error);
        Assert.Equal(CertificateError.BadSignature, mesh.Trust.Verify(tampered!, mesh.Now));
    }

    [Fact]
    public void RefusesAForgedSignature()
    {
        var mesh = new TestMesh();
        var bytes = mesh.Member("a", "100.90.0.2").Cert.Encode();
        bytes[^1] ^= 0x01;
        Assert.True(Certificate.TryDecode(bytes, out var forged, out _));
        Assert.Equal(CertificateError.BadSignature, mesh.Trust.Verify(forged!, mesh.Now));
    }

    [Fact]
    public void RefusesExpiredAndNotYetValid()
    {
        var mesh = new TestMesh();
        var (_, cert) = mesh.Member("a", "100.90.0.2", validity: TimeSpan.FromDays(30));
        Assert.Equal(CertificateError.NotYetValid, mesh.Trust.Verify(cert, cert.NotBefore - TimeSpan.FromSeconds(1)));
        Assert.Equal(CertificateError.None, mesh.Trust.Verify(cert, cert.NotBefore));
        Assert.Equal(CertificateError.None, mesh.Trust.Verify(cert, mesh.Now + TimeSpan.FromDays(30)));
        Assert.Equal(CertificateError.Expired, mesh.Trust.Verify(cert, mesh.Now + TimeSpan.FromDays(30) + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void RefusesAnIpv6NotDerivedFromTheKey()
    {
        var mesh = new TestMesh();
        var keys = NodeKeys.Generate();
        var otherKey = NodeKeys.Generate().SessionPublicKey;
        var cert = mesh.Ca.Issue(Content(mesh, keys, Ipv6Derivation.NodeAddress(mesh.Ca.Certificate.Ipv6Prefix, otherKey), "100.90.0.2"));
        Assert.Equal(CertificateError.Ipv6NotDerivedFromKey, mesh.Trust.Verify(cert, mesh.Now));
    }

    [Fact]
    public void RefusesAnIpv6OutsideTheMeshPrefix()
    {
        var mesh = new TestMesh();
        var keys = NodeKeys.Generate();
        var foreignPrefix = Ipv6Derivation.UlaPrefixFromCaKey(new byte[32]);
        var cert = mesh.Ca.Issue(Content(mesh, keys, Ipv6Derivation.NodeAddress(foreignPrefix, keys.SessionPublicKey), "100.90.0.2"));
        Assert.Equal(CertificateError.Ipv6NotDerivedFromKey, mesh.Trust.Verify(cert, mesh.Now));
    }

    [Fact]
    public void RefusesAnIpv4OutsideTheMeshRange()
    {
        var mesh = new TestMesh();
        var keys = NodeKeys.Generate();
        var ipv6 = Ipv6Derivation.NodeAddress(mesh.Ca.Certificate.Ipv6Prefix, keys.SessionPublicKey);
        Assert.Equal(CertificateError.None, mesh.Trust.Verify(mesh.Ca.Issue(Content(mesh, keys, ipv6, "100.90.255.254")), mesh.Now));
        Assert.Equal(CertificateError.Ipv4OutsideMeshRange, mesh.Trust.Verify(mesh.Ca.Issue(Content(mesh, keys, ipv6, "100.91.0.2")), mesh.Now));
        Assert.Equal(CertificateError.Ipv4OutsideMeshRange, mesh.Trust.Verify(mesh.Ca.Issue(Content(mesh, keys, ipv6, "100.90.0.2", 24)), mesh.Now));
    }

    [Fact]
    public void EveryErrorHasItsOwnSentence()
    {
        var sentences = new HashSet<string>();
        foreach (var error in Enum.GetValues<CertificateError>())
        {
            var sentence = TrustStore.Describe(error);
            Assert.EndsWith(".", sentence, StringComparison.Ordinal);
            Assert.True(sentences.Add(sentence), $"{error} shares its sentence");
            Assert.False(string.IsNullOrEmpty(TrustStore.ShortDescription(error)));
        }
    }

    [Fact]
    public void KnowsMeshAddresses()
    {
        var mesh = new TestMesh();
        Assert.True(mesh.Trust.IsMeshAddress(IPAddress.Parse("100.90.1.1")));
        Assert.True(mesh.Trust.IsMeshAddress(mesh.Member("a", "100.90.0.2").Cert.Ipv6));
        Assert.False(mesh.Trust.IsMeshAddress(IPAddress.Parse("8.8.8.8")));
    }

    private static CertificateContent Content(TestMesh mesh, NodeKeys keys, IPAddress ipv6, string ipv4, int prefix = 16) => new(
        "a", keys.SessionPublicKey, keys.SigningPublicKey, mesh.Ca.Certificate.Id, mesh.Now, mesh.Now + TimeSpan.FromDays(1), ipv6,
        [new InterfaceAddress(IPAddress.Parse(ipv4), prefix)], [], [], []);
}
