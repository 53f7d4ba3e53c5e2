using System.Net;
using Weft.Core.Identity;
using Xunit;

namespace Weft.Core.Tests.Identity;

/// <summary>What the CA refuses to sign, and how it shapes what it does sign.</summary>
public class CertificateAuthorityTests
{
    [Fact]
    public void RefusesARequestWhoseSignatureDoesNotVerify()
    {
        var mesh = new TestMesh();
        var bytes = JoinRequest.Create(NodeKeys.Generate(), "laptop").Encode();
        bytes[^1] ^= 1;
        Assert.False(JoinRequest.TryDecode(bytes, out _, out var decodeError));
        Assert.Contains("signature does not verify", decodeError, StringComparison.Ordinal);

        // A request object whose signature is wrong (as if built around the decoder) is refused by the CA too.
        var forged = JoinRequestTests.WithWrongSignature(JoinRequest.Create(NodeKeys.Generate(), "laptop"));
        Assert.False(mesh.Ca.TrySign(forged, "laptop", [], [], IPAddress.Parse("100.90.0.2"), TimeSpan.FromDays(1), mesh.Now, out var cert, out var error));
        Assert.Null(cert);
        Assert.Contains("signature does not verify", error, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => mesh.Ca.Sign(forged, "laptop", [], [], IPAddress.Parse("100.90.0.2"), TimeSpan.FromDays(1), mesh.Now));
    }

    [Theory]
    [InlineData("Laptop", "100.90.0.2", "node name")]
    [InlineData("-laptop", "100.90.0.2", "node name")]
    [InlineData("lap.top", "100.90.0.2", "node name")]
    [InlineData("laptop", "100.91.0.2", "outside the mesh IPv4 range")]
    [InlineData("laptop", "100.90.0.0", "network or broadcast")]
    [InlineData("laptop", "100.90.255.255", "network or broadcast")]
    [InlineData("laptop", "fd00::1", "outside the mesh IPv4 range")]
    public void RefusesBadNamesAndAddresses(string name, string ipv4, string expected)
    {
        var mesh = new TestMesh();
        var request = JoinRequest.Create(NodeKeys.Generate(), "x");
        Assert.False(mesh.Ca.TrySign(request, name, [], [], IPAddress.Parse(ipv4), TimeSpan.FromDays(1), mesh.Now, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesBadGroupsRolesAndTooManySubnets()
    {
        var mesh = new TestMesh();
        var request = JoinRequest.Create(NodeKeys.Generate(), "x");
        var ip = IPAddress.Parse("100.90.0.2");
        Assert.False(mesh.Ca.TrySign(request, "x", ["ok", "Not OK"], [], ip, TimeSpan.FromDays(1), mesh.Now, out _, out var error));
        Assert.Contains("group 'Not OK'", error, StringComparison.Ordinal);
        Assert.False(mesh.Ca.TrySign(request, "x", [], [""], ip, TimeSpan.FromDays(1), mesh.Now, out _, out error));
        Assert.Contains("role", error, StringComparison.Ordinal);
        var many = Enumerable.Range(0, 17).Select(i => "g" + i).ToArray();
        Assert.False(mesh.Ca.TrySign(request, "x", many, [], ip, TimeSpan.FromDays(1), mesh.Now, out _, out error));
        Assert.Contains("at most 16 groups", error, StringComparison.Ordinal);
        var subnets = Enumerable.Range(0, 17).Select(i => IPNetwork.Parse($"10.{i}.0.0/16")).ToArray();
        Assert.False(mesh.Ca.TrySign(request, "x", [], [], ip, TimeSpan.FromDays(1), mesh.Now, out _, out error, subnets));
        Assert.Contains("at most 16 subnets", error, StringComparison.Ordinal);
        Assert.False(mesh.Ca.TrySign(request, "x", [], [], ip, TimeSpan.Zero, mesh.Now, out _, out error));
        Assert.Contains("validity", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidityIsCutToTheCasOwn()
    {
        var mesh = new TestMesh();
        var request = JoinRequest.Create(NodeKeys.Generate(), "x");
        var cert = mesh.Ca.Sign(request, "x", [], [], IPAddress.Parse("100.90.0.2"), TimeSpan.MaxValue, mesh.Now);
        Assert.Equal(mesh.Ca.Certificate.NotAfter, cert.NotAfter);
    }

    [Fact]
    public void TimesAreWholeSecondsSoTheyRoundTrip()
    {
        var mesh = new TestMesh();
        mesh.Clock.Advance(TimeSpan.FromMilliseconds(1500));
        var (_, cert) = mesh.Member("x", "100.90.0.2");
        Assert.Equal(TestMesh.Start + TimeSpan.FromSeconds(1) - CertificateAuthority.ClockSkewAllowance, cert.NotBefore);
        Assert.Equal(TestMesh.Start + TimeSpan.FromSeconds(1) + TimeSpan.FromDays(365), cert.NotAfter);
        Assert.True(Certificate.TryDecode(cert.Encode(), out var decoded, out _));
        Assert.Equal(cert.NotBefore, decoded!.NotBefore);
        Assert.Equal(CertificateError.None, mesh.Trust.Verify(cert, mesh.Now));
    }

    [Fact]
    public void AFreshCertificateIsValidOnAClockAFewMinutesBehind()
    {
        var mesh = new TestMesh();
        mesh.Clock.Advance(TimeSpan.FromHours(1));
        var (_, cert) = mesh.Member("x", "100.90.0.2", validity: TimeSpan.FromSeconds(8));
        Assert.Equal(CertificateError.None, mesh.Trust.Verify(cert, mesh.Now - TimeSpan.FromMinutes(4)));
        Assert.Equal(CertificateError.NotYetValid, mesh.Trust.Verify(cert, mesh.Now - TimeSpan.FromMinutes(6)));
        Assert.Equal(CertificateError.None, mesh.Trust.Verify(cert, mesh.Now + TimeSpan.FromSeconds(8)));
        Assert.Equal(CertificateError.Expired, mesh.Trust.Verify(cert, mesh.Now + TimeSpan.FromSeconds(9)));
    }

    [Fact]
    public void SignsTheCaMachineItself()
    {
        var mesh = new TestMesh();
        var (keys, cert) = mesh.Member("ca-box", "100.90.0.1", ["admins"], ["signer"]);
        Assert.Equal(keys.NodeId, cert.NodeId);
        Assert.Equal(CertificateError.None, mesh.Trust.Verify(cert, mesh.Now));
    }
}
