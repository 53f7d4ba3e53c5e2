using System.Net;
using Weft.Core.Identity;
using Xunit;

namespace Weft.Core.Tests.Identity;

public class CertificateTests
{
    [Fact]
    public void SignedCertificateCarriesWhatTheCaGave()
    {
        var mesh = new TestMesh();
        var (keys, cert) = mesh.Member("laptop", "100.90.0.2", ["admins", "dev"], ["exit"],
            subnets: [IPNetwork.Parse("192.168.1.0/24"), IPNetwork.Parse("2001:db8::/32")]);

        Assert.Equal(1, cert.Version);
        Assert.Equal("laptop", cert.Name);
        Assert.Equal(keys.SessionPublicKey, cert.SessionKey);
        Assert.Equal(keys.SigningPublicKey, cert.SigningKey);
        Assert.Equal(keys.NodeId, cert.NodeId);
        Assert.Equal([new InterfaceAddress(IPAddress.Parse("100.90.0.2"), 16)], cert.Ipv4);
        Assert.Equal(Ipv6Derivation.NodeAddress(mesh.Ca.Certificate.Ipv6Prefix, keys.SessionPublicKey), cert.Ipv6);
        Assert.Equal(["admins", "dev"], cert.Groups);
        Assert.Equal(["exit"], cert.Roles);
        Assert.True(cert.HasRole("exit"));
        Assert.False(cert.HasGroup("exit"));
        Assert.Equal(mesh.Now - CertificateAuthority.ClockSkewAllowance, cert.NotBefore);
        Assert.Equal(mesh.Now + TimeSpan.FromDays(365), cert.NotAfter);
        Assert.Equal(mesh.Ca.Certificate.Id, cert.IssuerId);
        Assert.Equal(64, cert.Signature.Length);
        Assert.Equal(CertificateError.None, mesh.Trust.Verify(cert, mesh.Now));
    }

    [Fact]
    public void RoundTripsThroughBinaryAndText()
    {
        var mesh = new TestMesh();
        var (_, cert) = mesh.Member("db-1", "100.90.3.4", ["servers"], ["exit", "relay"], subnets: [IPNetwork.Parse("10.1.0.0/16")]);

        var bytes = cert.Encode();
        Assert.True(Certificate.TryDecode(bytes, out var decoded, out var error), error);
        Assert.Equal(bytes, decoded!.Encode());
        AssertSame(cert, decoded);

        var text = cert.ToText();
        Assert.StartsWith("-----BEGIN WEFT CERTIFICATE-----\n", text, StringComparison.Ordinal);
        Assert.EndsWith("-----END WEFT CERTIFICATE-----\n", text, StringComparison.Ordinal);
        Assert.True(Certificate.TryParseText("some notes\r\n" + text.Replace("\n", "\r\n", StringComparison.Ordinal) + "trailing words", out var parsed, out error), error);
        Assert.Equal(bytes, parsed!.Encode());
        AssertSame(cert, parsed);
        Assert.Equal(CertificateError.None, mesh.Trust.Verify(parsed, mesh.Now));
    }

    [Fact]
    public void OwnsItsAddressesAndSubnetsOnly()
    {
        var mesh = new TestMesh();
        var (_, cert) = mesh.Member("router", "100.90.0.9", subnets: [IPNetwork.Parse("192.168.7.0/24")]);

        Assert.True(cert.Owns(IPAddress.Parse("100.90.0.9")));
        Assert.True(cert.Owns(IPAddress.Parse("100.90.0.9").MapToIPv6()));
        Assert.True(cert.Owns(cert.Ipv6));
        Assert.True(cert.Owns(IPAddress.Parse("192.168.7.200")));
        Assert.False(cert.Owns(IPAddress.Parse("100.90.0.10")));
        Assert.False(cert.Owns(IPAddress.Parse("192.168.8.1")));
        var other = cert.Ipv6.GetAddressBytes();
        other[15] ^= 1;
        Assert.False(cert.Owns(new IPAddress(other)));
    }

    [Fact]
    public void DescribeShowsWhatAUserNeeds()
    {
        var mesh = new TestMesh();
        var (_, cert) = mesh.Member("laptop", "100.90.0.2", ["admins"], ["exit"]);

        var text = cert.Describe(mesh.Now + TimeSpan.FromDays(65));
        Assert.Contains("name:", text, StringComparison.Ordinal);
        Assert.Contains("laptop", text, StringComparison.Ordinal);
        Assert.Contains(cert.NodeId.ToString(), text, StringComparison.Ordinal);
        Assert.Contains("100.90.0.2/16", text, StringComparison.Ordinal);
        Assert.Contains(cert.Ipv6.ToString(), text, StringComparison.Ordinal);
        Assert.Contains("admins", text, StringComparison.Ordinal);
        Assert.Contains("exit", text, StringComparison.Ordinal);
        Assert.Contains("expires in 300 days", text, StringComparison.Ordinal);
        Assert.Contains(mesh.Ca.Certificate.IdHex, text, StringComparison.Ordinal);
        Assert.Contains("fingerprint:", text, StringComparison.Ordinal);
        Assert.Contains("SHA256:", text, StringComparison.Ordinal);
        Assert.Contains("EXPIRED 2 days ago", cert.Describe(cert.NotAfter + TimeSpan.FromDays(2)), StringComparison.Ordinal);
        Assert.Contains("NOT YET VALID", cert.Describe(cert.NotBefore - TimeSpan.FromHours(3)), StringComparison.Ordinal);
    }

    [Fact]
    public void DecodingRejectsTrailingBytes()
    {
        var bytes = new TestMesh().Member("a", "100.90.0.2").Cert.Encode();
        Assert.False(Certificate.TryDecode([.. bytes, 0], out var cert, out var error));
        Assert.Null(cert);
        Assert.Contains("trailing", error, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodingRejectsAnUnknownVersion()
    {
        var bytes = new TestMesh().Member("a", "100.90.0.2").Cert.Encode();
        bytes[0] = 2;
        Assert.False(Certificate.TryDecode(bytes, out _, out var error));
        Assert.Contains("unknown format version 2", error, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodingRejectsAnotherKindOfObject()
    {
        var mesh = new TestMesh();
        Assert.False(Certificate.TryDecode(mesh.Ca.Certificate.Encode(), out _, out var error));
        Assert.Contains("this is a CA certificate, not a node certificate", error, StringComparison.Ordinal);
        Assert.False(Certificate.TryParseText(mesh.Ca.Certificate.ToText(), out _, out error));
        Assert.Contains("WEFT CERTIFICATE", error, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodingRejectsOversizeAndInvalidFields()
    {
        var bytes = new TestMesh().Member("abc", "100.90.0.2").Cert.Encode();
        const int nameLength = 114;
        Assert.Equal(3, bytes[nameLength]);

        var tooLong = (byte[])bytes.Clone();
        tooLong[nameLength] = 200;
        Assert.False(Certificate.TryDecode(tooLong, out _, out var error));
        Assert.Contains("name", error, StringComparison.Ordinal);

        var badChar = (byte[])bytes.Clone();
        badChar[nameLength + 1] = (byte)'A';
        Assert.False(Certificate.TryDecode(badChar, out _, out error));
        Assert.Contains("name must be a DNS label", error, StringComparison.Ordinal);

        var ipv4Count = nameLength + 1 + 3;
        Assert.Equal(1, bytes[ipv4Count]);
        var manyIpv4 = (byte[])bytes.Clone();
        manyIpv4[ipv4Count] = 9;
        Assert.False(Certificate.TryDecode(manyIpv4, out _, out error));
        Assert.Contains("too many IPv4 addresses", error, StringComparison.Ordinal);

        var badPrefix = (byte[])bytes.Clone();
        badPrefix[ipv4Count + 5] = 33;
        Assert.False(Certificate.TryDecode(badPrefix, out _, out error));
        Assert.Contains("prefix length 33", error, StringComparison.Ordinal);

        var groupCount = ipv4Count + 1 + 5 + 1;
        Assert.Equal(1, bytes[groupCount]);
        var manyGroups = (byte[])bytes.Clone();
        manyGroups[groupCount] = 17;
        Assert.False(Certificate.TryDecode(manyGroups, out _, out error));
        Assert.Contains("too many groups", error, StringComparison.Ordinal);

        var backwards = (byte[])bytes.Clone();
        backwards[82 + 7] ^= 0x80; // not-before far in the future: after not-after
        backwards[82] = 0x7f;
        Assert.False(Certificate.TryDecode(backwards, out _, out error));
        Assert.Contains("out of range", error, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodingRejectsNotAfterBeforeNotBefore()
    {
        var bytes = new TestMesh().Member("a", "100.90.0.2").Cert.Encode();
        var notAfter = System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(90));
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(82), notAfter + 1);
        Assert.False(Certificate.TryDecode(bytes, out _, out var error));
        Assert.Contains("not-after is before not-before", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("100.90.0.2/16", true)]
    [InlineData("fd00::1/64", true)]
    [InlineData("100.90.0.2/33", false)]
    [InlineData("100.90.0.2", false)]
    [InlineData("nope/8", false)]
    [InlineData("100.90.0.2/-1", false)]
    public void InterfaceAddressParsesItsText(string text, bool valid)
    {
        Assert.Equal(valid, InterfaceAddress.TryParse(text, out var parsed));
        if (valid)
        {
            Assert.Equal(text, parsed.ToString());
        }
    }

    [Fact]
    public void InterfaceAddressGivesItsNetwork() =>
        Assert.Equal(IPNetwork.Parse("100.90.0.0/16"), new InterfaceAddress(IPAddress.Parse("100.90.3.2"), 16).Network);

    [Fact]
    public void TruncationsAreErrorsNotExceptions()
    {
        var bytes = new TestMesh().Member("a", "100.90.0.2", ["g"], ["r"], subnets: [IPNetwork.Parse("fd12::/64")]).Cert.Encode();
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.False(Certificate.TryDecode(bytes.AsSpan(0, length), out var cert, out var error));
            Assert.Null(cert);
            Assert.False(string.IsNullOrEmpty(error));
        }
    }

    [Fact]
    public void SubnetWithHostBitsIsRejected()
    {
        var bytes = new TestMesh().Member("a", "100.90.0.2", subnets: [IPNetwork.Parse("10.1.0.0/16")]).Cert.Encode();
        var at = Array.IndexOf(bytes, (byte)16, 120); // prefix byte of the subnet (after the IPv4 /16 entry)
        at = Array.IndexOf(bytes, (byte)16, at + 1);
        Assert.Equal(4, bytes[at - 1]);
        bytes[at + 3] = 1; // 10.1.1.0/16
        Assert.False(Certificate.TryDecode(bytes, out _, out var error));
        Assert.Contains("bits set past its /16 prefix", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ArmorErrorsAreReported()
    {
        Assert.False(Certificate.TryParseText("", out _, out var error));
        Assert.Contains("empty", error, StringComparison.Ordinal);
        Assert.False(Certificate.TryParseText("-----BEGIN WEFT CERTIFICATE-----\nAAAA\n", out _, out error));
        Assert.Contains("no '-----END", error, StringComparison.Ordinal);
        Assert.False(Certificate.TryParseText("-----BEGIN WEFT CERTIFICATE-----\n!!!!\n-----END WEFT CERTIFICATE-----\n", out _, out error));
        Assert.Contains("base64", error, StringComparison.Ordinal);
        Assert.False(Certificate.TryParseText("-----BEGIN WEFT CERTIFICATE-----\nAAAA\n-----END WEFT CA CERTIFICATE-----\n", out _, out error));
        Assert.Contains("different label", error, StringComparison.Ordinal);
        Assert.False(Certificate.TryParseText("hello", out _, out error));
        Assert.Contains("no '-----BEGIN", error, StringComparison.Ordinal);
    }

    internal static void AssertSame(Certificate expected, Certificate actual)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.SessionKey, actual.SessionKey);
        Assert.Equal(expected.SigningKey, actual.SigningKey);
        Assert.Equal(expected.NodeId, actual.NodeId);
        Assert.Equal(expected.Ipv4, actual.Ipv4);
        Assert.Equal(expected.Ipv6, actual.Ipv6);
        Assert.Equal(expected.Subnets, actual.Subnets);
        Assert.Equal(expected.Groups, actual.Groups);
        Assert.Equal(expected.Roles, actual.Roles);
        Assert.Equal(expected.NotBefore, actual.NotBefore);
        Assert.Equal(expected.NotAfter, actual.NotAfter);
        Assert.Equal(expected.IssuerId, actual.IssuerId);
        Assert.Equal(expected.Signature, actual.Signature);
    }
}
