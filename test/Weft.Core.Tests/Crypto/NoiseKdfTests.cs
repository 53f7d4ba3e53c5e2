using Weft.Core.Crypto;
using Xunit;

namespace Weft.Core.Tests.Crypto;

/// <summary>
/// HMAC-BLAKE2s and WireGuard's HKDF, checked against Python's hmac + hashlib.blake2s:
/// <c>h = lambda k, m: hmac.new(k, m, hashlib.blake2s).digest()</c>; prk = h(ck, input);
/// t1 = h(prk, b"\x01"); t2 = h(prk, t1 + b"\x02"); t3 = h(prk, t2 + b"\x03").
/// </summary>
public class NoiseKdfTests
{
    private const string ChainingKey = "6465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f80818283";
    private const string Input = "0708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223242526";
    private const string T1 = "ecba0b0657010dbe703954937ad49c112115347d10b6e7003eab6d5f5949d368";
    private const string T2 = "3b2aaf84f48a5ae0551548cc1ba4b583f01b81f911d5210ae269f8b776e46fc9";
    private const string T3 = "d6b22f0104a7bc408cd6dc940057220566c68bd55142c0a007e96c9bd141f5fa";

    // (key, message, HMAC): key bytes(range(32)); a 100-byte key (i*3 & 0xff) that HMAC must hash first.
    public static TheoryData<string, string, string> HmacVectors => new()
    {
        {
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
            Convert.ToHexStringLower("weft hmac input"u8),
            "5fc3a2b1df6ec43f22d94927d30dd19eb60db57d93e7a748143f3e9ed557566c"
        },
        {
            Convert.ToHexStringLower(LongKey()),
            Convert.ToHexStringLower("weft hmac input"u8),
            "3e64f5ce719c362d8bda67a687ed5cec01fd81ab2c405582f8244d492a7f8348"
        },
    };

    [Theory]
    [MemberData(nameof(HmacVectors))]
    public void Hmac(string keyHex, string messageHex, string expectedHex)
    {
        byte[] output = new byte[32];
        NoiseKdf.Hmac(Convert.FromHexString(keyHex), Convert.FromHexString(messageHex), output);
        Assert.Equal(expectedHex, Convert.ToHexStringLower(output));
    }

    [Fact]
    public void Kdf1Kdf2Kdf3()
    {
        byte[] ck = Convert.FromHexString(ChainingKey);
        byte[] input = Convert.FromHexString(Input);
        byte[] t1 = new byte[32], t2 = new byte[32], t3 = new byte[32];

        NoiseKdf.Kdf1(ck, input, t1);
        Assert.Equal(T1, Convert.ToHexStringLower(t1));

        NoiseKdf.Kdf2(ck, input, t1, t2);
        Assert.Equal(T1, Convert.ToHexStringLower(t1));
        Assert.Equal(T2, Convert.ToHexStringLower(t2));

        NoiseKdf.Kdf3(ck, input, t1, t2, t3);
        Assert.Equal(T1, Convert.ToHexStringLower(t1));
        Assert.Equal(T2, Convert.ToHexStringLower(t2));
        Assert.Equal(T3, Convert.ToHexStringLower(t3));
    }

    // Python: prk = h(ck, b""); h(prk, b"\x01")
    [Fact]
    public void Kdf1WithEmptyInput()
    {
        byte[] t1 = new byte[32];
        NoiseKdf.Kdf1(Convert.FromHexString(ChainingKey), default, t1);
        Assert.Equal("41120ebb5190795d899cd457486a9dab84791720e7c6753162ff4ec48b96b648", Convert.ToHexStringLower(t1));
    }

    // The handshake does "ck, k = Kdf2(ck, dh)": outputs overwrite the chaining key in place.
    [Fact]
    public void OutputsMayAliasTheChainingKeyAndInput()
    {
        byte[] ck = Convert.FromHexString(ChainingKey);
        byte[] input = Convert.FromHexString(Input);
        byte[] key = new byte[32];
        NoiseKdf.Kdf2(ck, input, ck, key);
        Assert.Equal(T1, Convert.ToHexStringLower(ck));
        Assert.Equal(T2, Convert.ToHexStringLower(key));

        ck = Convert.FromHexString(ChainingKey);
        NoiseKdf.Kdf3(ck, input, input, ck, key);
        Assert.Equal(T1, Convert.ToHexStringLower(input));
        Assert.Equal(T2, Convert.ToHexStringLower(ck));
        Assert.Equal(T3, Convert.ToHexStringLower(key));
    }

    [Fact]
    public void RejectsWrongOutputSize()
    {
        Assert.Throws<ArgumentException>(() => NoiseKdf.Kdf1(new byte[32], default, new byte[16]));
        Assert.Throws<ArgumentException>(() => NoiseKdf.Hmac(new byte[32], default, new byte[33]));
    }

    [Fact]
    public void KdfAllocatesNothing()
    {
        byte[] ck = Convert.FromHexString(ChainingKey);
        byte[] input = Convert.FromHexString(Input);
        byte[] t1 = new byte[32], t2 = new byte[32], t3 = new byte[32];
        NoiseKdf.Kdf3(ck, input, t1, t2, t3);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            NoiseKdf.Kdf3(ck, input, t1, t2, t3);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static byte[] LongKey()
    {
        byte[] key = new byte[100];
        for (int i = 0; i < key.Length; i++)
        {
            key[i] = (byte)(i * 3);
        }

        return key;
    }
}
