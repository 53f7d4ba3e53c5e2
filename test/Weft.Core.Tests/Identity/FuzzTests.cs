using System.Net;
using Weft.Core.Identity;
using Xunit;

namespace Weft.Core.Tests.Identity;

/// <summary>
/// Thousands of random mutations of valid encodings (seeded, so a failure reproduces): no decoder
/// throws, and nothing altered ever passes as genuine.
/// </summary>
public class FuzzTests
{
    private const int Rounds = 3000;

    private static byte[] Mutate(Random random, byte[] original)
    {
        var bytes = new List<byte>(original);
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits; e++)
        {
            switch (random.Next(6))
            {
                case 0 when bytes.Count > 0:
                    bytes[random.Next(bytes.Count)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when bytes.Count > 0:
                    bytes[random.Next(bytes.Count)] = (byte)random.Next(256);
                    break;
                case 2:
                    bytes.Insert(random.Next(bytes.Count + 1), (byte)random.Next(256));
                    break;
                case 3 when bytes.Count > 0:
                    bytes.RemoveAt(random.Next(bytes.Count));
                    break;
                case 4:
                    bytes = bytes.Take(random.Next(bytes.Count + 1)).ToList();
                    break;
                default:
                    var junk = new byte[random.Next(1, 40)];
                    random.NextBytes(junk);
                    bytes.InsertRange(random.Next(bytes.Count + 1), junk);
                    break;
            }
        }

        return [.. bytes];
    }

    [Fact]
    public void CertificateMutationsNeverThrowAndNeverVerify()
    {
        var mesh = new TestMesh();
        var original = mesh.Member("fuzz", "100.90.0.2", ["a", "b"], ["exit"], subnets: [IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("fd01::/64")]).Cert.Encode();
        var random = new Random(1234);
        var decoded = 0;
        for (var i = 0; i < Rounds; i++)
        {
            var bytes = Mutate(random, original);
            if (Certificate.TryDecode(bytes, out var cert, out var error))
            {
                decoded++;
                if (!bytes.AsSpan().SequenceEqual(original))
                {
                    Assert.NotEqual(CertificateError.None, mesh.Trust.Verify(cert!, mesh.Now));
                }

                _ = cert!.Describe(mesh.Now);
                _ = cert.Owns(IPAddress.Loopback);
            }
            else
            {
                Assert.Null(cert);
                Assert.False(string.IsNullOrEmpty(error));
            }

            Assert.False(Certificate.TryParseText(Convert.ToBase64String(bytes), out _, out _));
            _ = Certificate.TryParseText("-----BEGIN WEFT CERTIFICATE-----\n" + Convert.ToBase64String(bytes) + "\n-----END WEFT CERTIFICATE-----", out _, out _);
        }

        Assert.InRange(decoded, 1, Rounds - 1);
    }

    [Fact]
    public void CaCertificateMutationsNeverThrowAndNeverDecodeAltered()
    {
        var original = new TestMesh().Ca.Certificate.Encode();
        var random = new Random(99);
        for (var i = 0; i < Rounds; i++)
        {
            var bytes = Mutate(random, original);
            var ok = CaCertificate.TryDecode(bytes, out var ca, out var error);
            Assert.Equal(bytes.AsSpan().SequenceEqual(original), ok);
            Assert.Equal(ok, ca is not null);
            Assert.Equal(ok, error.Length == 0);
        }
    }

    [Fact]
    public void JoinRequestAndBundleMutationsNeverThrow()
    {
        var mesh = new TestMesh();
        var request = JoinRequest.Create(NodeKeys.Generate(), "fuzz").Encode();
        var bundle = new CertificateBundle(mesh.Member("fuzz", "100.90.0.2").Cert, mesh.Ca.Certificate);
        var bundleBytes = bundle.Encode();
        var bundleText = bundle.ToText();
        var random = new Random(7);
        for (var i = 0; i < Rounds; i++)
        {
            var mutated = Mutate(random, request);
            Assert.Equal(mutated.AsSpan().SequenceEqual(request), JoinRequest.TryDecode(mutated, out _, out _));

            var mutatedBundle = Mutate(random, bundleBytes);
            if (CertificateBundle.TryDecode(mutatedBundle, out var decoded, out _) && !mutatedBundle.AsSpan().SequenceEqual(bundleBytes))
            {
                // Only the length-prefix framing can change without breaking a signature; the content must be the original.
                Assert.Equal(bundle.Node.Encode(), decoded!.Node.Encode());
            }

            var text = bundleText.ToCharArray();
            text[random.Next(text.Length)] = (char)random.Next(32, 127);
            _ = CertificateBundle.TryParse(new string(text), out _, out _);
        }
    }

    [Fact]
    public void HelloMutationsNeverThrowAndNeverPass()
    {
        var mesh = new TestMesh();
        var (keys, cert) = mesh.Member("fuzz", "100.90.0.2");
        var nonce = new byte[16];
        var buffer = new byte[Hello.MaxSize];
        var request = buffer[..HelloRequest.Write(buffer, cert, keys, nonce, mesh.Now)];
        var reply = buffer[..HelloReply.Write(buffer, cert, keys, nonce, nonce, mesh.Now)];
        var random = new Random(42);
        for (var i = 0; i < Rounds; i++)
        {
            var a = Mutate(random, request);
            Assert.Equal(a.AsSpan().SequenceEqual(request), HelloRequest.TryRead(a, out _, out _));
            var b = Mutate(random, reply);
            Assert.Equal(b.AsSpan().SequenceEqual(reply), HelloReply.TryRead(b, out _, out _));
        }
    }

    [Fact]
    public void RandomGarbageIsAnErrorEverywhere()
    {
        var random = new Random(5);
        for (var i = 0; i < Rounds; i++)
        {
            var bytes = new byte[random.Next(0, 300)];
            random.NextBytes(bytes);
            if (bytes.Length > 1 && random.Next(2) == 0)
            {
                bytes[0] = 1; // a plausible version, so the parsers go deeper
            }

            Assert.False(Certificate.TryDecode(bytes, out _, out _));
            Assert.False(CaCertificate.TryDecode(bytes, out _, out _));
            Assert.False(JoinRequest.TryDecode(bytes, out _, out _));
            Assert.False(CertificateBundle.TryDecode(bytes, out _, out _));
            Assert.False(HelloRequest.TryRead([0x57, 0x45, 0x46, 0x01, .. bytes], out _, out _));
            Assert.False(HelloReply.TryRead([0x57, 0x45, 0x46, 0x02, .. bytes], out _, out _));
        }
    }
}
