using Weft.Core.Crypto;
using Weft.Core.Net;
using Xunit;

namespace Weft.Core.Tests.Crypto;

public class X25519Tests
{
    // RFC 7748 section 5.2: (scalar, input u-coordinate, output u-coordinate). The scalars are not clamped
    // and the first u has its top bit set: X25519 must clamp and mask.
    public static TheoryData<string, string, string> Rfc7748Section5_2 => new()
    {
        {
            "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
            "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
            "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"
        },
        {
            "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
            "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
            "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"
        },
    };

    [Theory]
    [MemberData(nameof(Rfc7748Section5_2))]
    public void Rfc7748Section5_2_Vectors(string scalarHex, string uHex, string expectedHex)
    {
        byte[] output = new byte[32];
        Assert.True(X25519.TryAgree(Convert.FromHexString(scalarHex), Convert.FromHexString(uHex), output));
        Assert.Equal(expectedHex, Convert.ToHexStringLower(output));
    }

    // RFC 7748 section 5.2, iterated: k = u = 9; repeat (k, u) = (X25519(k, u), k).
    [Fact]
    public void Rfc7748Section5_2_Iterated()
    {
        byte[] k = new byte[32], u = new byte[32], next = new byte[32];
        k[0] = 9;
        u[0] = 9;
        for (int i = 1; i <= 1000; i++)
        {
            Assert.True(X25519.TryAgree(k, u, next));
            k.CopyTo(u.AsSpan());
            next.CopyTo(k.AsSpan());
            if (i == 1)
            {
                Assert.Equal("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079", Convert.ToHexStringLower(k));
            }
        }

        Assert.Equal("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51", Convert.ToHexStringLower(k));
    }

    private const string AlicePrivate = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
    private const string AlicePublic = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
    private const string BobPrivate = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
    private const string BobPublic = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
    private const string SharedSecret = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";

    // RFC 7748 section 6.1: Alice and Bob derive their public keys and the same shared secret.
    [Fact]
    public void Rfc7748Section6_1_DiffieHellman()
    {
        byte[] publicKey = new byte[32];
        X25519.DerivePublicKey(Convert.FromHexString(AlicePrivate), publicKey);
        Assert.Equal(AlicePublic, Convert.ToHexStringLower(publicKey));
        X25519.DerivePublicKey(Convert.FromHexString(BobPrivate), publicKey);
        Assert.Equal(BobPublic, Convert.ToHexStringLower(publicKey));

        byte[] aliceView = new byte[32], bobView = new byte[32];
        Assert.True(X25519.TryAgree(Convert.FromHexString(AlicePrivate), Convert.FromHexString(BobPublic), aliceView));
        Assert.True(X25519.TryAgree(Convert.FromHexString(BobPrivate), Convert.FromHexString(AlicePublic), bobView));
        Assert.Equal(SharedSecret, Convert.ToHexStringLower(aliceView));
        Assert.Equal(SharedSecret, Convert.ToHexStringLower(bobView));
    }

    // Points of small order give an all-zero result, which must be refused (RFC 7748 section 6.1).
    public static TheoryData<string> SmallOrderPoints => new()
    {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    };

    [Theory]
    [MemberData(nameof(SmallOrderPoints))]
    public void SmallOrderPublicKeyIsRefusedAndOutputZeroed(string publicHex)
    {
        byte[] output = new byte[32];
        output.AsSpan().Fill(0xAA);
        Assert.False(X25519.TryAgree(Convert.FromHexString(AlicePrivate), Convert.FromHexString(publicHex), output));
        Assert.All(output, b => Assert.Equal(0, b));
    }

    [Fact]
    public void GeneratedKeyPairsAreClampedAndAgree()
    {
        byte[] a = new byte[32], aPublic = new byte[32], b = new byte[32], bPublic = new byte[32];
        X25519.GenerateKeyPair(a, aPublic);
        X25519.GenerateKeyPair(b, bPublic);
        Assert.NotEqual(Convert.ToHexString(a), Convert.ToHexString(b));
        Assert.Equal(0, a[0] & 7);
        Assert.Equal(0x40, a[31] & 0xC0);

        byte[] derived = new byte[32];
        X25519.DerivePublicKey(a, derived);
        Assert.Equal(aPublic, derived);

        byte[] s1 = new byte[32], s2 = new byte[32];
        Assert.True(X25519.TryAgree(a, bPublic, s1));
        Assert.True(X25519.TryAgree(b, aPublic, s2));
        Assert.Equal(s1, s2);
    }

    [Fact]
    public void GenerateFromRandomSourceIsDeterministic()
    {
        var random = new FixedRandom(Convert.FromHexString(AlicePrivate));
        byte[] privateKey = new byte[32], publicKey = new byte[32];
        X25519.GenerateKeyPair(random, privateKey, publicKey);
        Assert.Equal(AlicePublic, Convert.ToHexStringLower(publicKey));
        byte[] clamped = Convert.FromHexString(AlicePrivate);
        X25519.Clamp(clamped);
        Assert.Equal(clamped, privateKey);
    }

    [Fact]
    public void OutputMayAliasPrivateKey()
    {
        byte[] key = Convert.FromHexString(AlicePrivate);
        Assert.True(X25519.TryAgree(key, Convert.FromHexString(BobPublic), key));
        Assert.Equal(SharedSecret, Convert.ToHexStringLower(key));
    }

    [Fact]
    public void AgreeAllocatesNothing()
    {
        byte[] a = Convert.FromHexString(AlicePrivate), bPublic = Convert.FromHexString(BobPublic), s = new byte[32];
        X25519.TryAgree(a, bPublic, s);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            X25519.TryAgree(a, bPublic, s);
            X25519.DerivePublicKey(a, s);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void RejectsWrongSizes()
    {
        Assert.Throws<ArgumentException>(() => X25519.TryAgree(new byte[31], new byte[32], new byte[32]));
        Assert.Throws<ArgumentException>(() => X25519.DerivePublicKey(new byte[32], new byte[33]));
    }

    private sealed class FixedRandom(byte[] bytes) : IRandomSource
    {
        public void Fill(Span<byte> destination) => bytes.AsSpan(0, destination.Length).CopyTo(destination);
    }
}
