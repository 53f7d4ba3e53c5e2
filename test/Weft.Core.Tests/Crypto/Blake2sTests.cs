using Weft.Core.Crypto;
using Xunit;

namespace Weft.Core.Tests.Crypto;

public class Blake2sTests
{
    // RFC 7693 Appendix B: BLAKE2s-256("abc").
    [Fact]
    public void Rfc7693AppendixB_abc()
    {
        Span<byte> digest = stackalloc byte[32];
        Blake2s.Hash("abc"u8, digest);
        Assert.Equal("508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982", Convert.ToHexStringLower(digest));
    }

    // RFC 7693 Appendix E: the self-test "grand hash" over digest sizes, input lengths, unkeyed and keyed.
    [Fact]
    public void Rfc7693AppendixE_SelfTest()
    {
        ReadOnlySpan<int> digestLengths = [16, 20, 28, 32];
        ReadOnlySpan<int> inputLengths = [0, 3, 64, 65, 255, 1024];
        var grand = Blake2sHasher.Create(32);
        byte[] input = new byte[1024];
        byte[] key = new byte[32];
        byte[] digest = new byte[32];
        foreach (int outLength in digestLengths)
        {
            foreach (int inLength in inputLengths)
            {
                SelfTestSequence(input.AsSpan(0, inLength), (uint)inLength);
                Blake2s.Hash(input.AsSpan(0, inLength), digest.AsSpan(0, outLength));
                grand.Update(digest.AsSpan(0, outLength));

                SelfTestSequence(key.AsSpan(0, outLength), (uint)outLength);
                Blake2s.Hash(input.AsSpan(0, inLength), digest.AsSpan(0, outLength), key.AsSpan(0, outLength));
                grand.Update(digest.AsSpan(0, outLength));
            }
        }

        grand.Finish(digest);
        Assert.Equal("6a411f08ce25adcdfb02aba641451cec53c598b24f4fc787fbdc88797f4c1dfe", Convert.ToHexStringLower(digest));
    }

    // Keyed vectors with key 00 01 .. 1f over inputs 00 01 02 .. (length n), cross-checked with
    // Python: hashlib.blake2s(bytes(range(n)), key=bytes(range(32))).hexdigest(). n = 0 and 64 are
    // also in the BLAKE2 reference KAT file (blake2s-kat.txt).
    public static TheoryData<int, string> KeyedVectors => new()
    {
        { 0, "48a8997da407876b3d79c0d92325ad3b89cbb754d86ab71aee047ad345fd2c49" },
        { 1, "40d15fee7c328830166ac3f918650f807e7e01e177258cdc0a39b11f598066f1" },
        { 63, "c65382513f07460da39833cb666c5ed82e61b9e998f4b0c4287cee56c3cc9bcd" },
        { 64, "8975b0577fd35566d750b362b0897a26c399136df07bababbde6203ff2954ed4" },
        { 65, "21fe0ceb0052be7fb0f004187cacd7de67fa6eb0938d927677f2398c132317a8" },
        { 128, "0c311f38c35a4fb90d651c289d486856cd1413df9b0677f53ece2cd9e477c60a" },
        { 200, "13c88480a5d00d6c8c7ad2110d76a82d9b70f4fa6696d4e5dd42a066dcaf9920" },
    };

    [Theory]
    [MemberData(nameof(KeyedVectors))]
    public void KeyedOneShot(int length, string expectedHex)
    {
        byte[] input = Sequence(length);
        byte[] key = Sequence(32);
        byte[] digest = new byte[32];
        Blake2s.Hash(input, digest, key);
        Assert.Equal(expectedHex, Convert.ToHexStringLower(digest));
    }

    [Theory]
    [MemberData(nameof(KeyedVectors))]
    public void KeyedIncremental_AnySplitGivesTheSameDigest(int length, string expectedHex)
    {
        byte[] input = Sequence(length);
        byte[] key = Sequence(32);
        byte[] digest = new byte[32];
        for (int chunk = 1; chunk <= 70; chunk++)
        {
            var hasher = Blake2sHasher.Create(32, key);
            for (int offset = 0; offset < input.Length; offset += chunk)
            {
                hasher.Update(input.AsSpan(offset, Math.Min(chunk, input.Length - offset)));
            }

            hasher.Finish(digest);
            Assert.Equal(expectedHex, Convert.ToHexStringLower(digest));
        }
    }

    // Python: hashlib.blake2s(b"The quick brown fox", digest_size=16, key=bytes(range(16))).hexdigest()
    [Fact]
    public void ShortKeyAndShortDigest()
    {
        Span<byte> digest = stackalloc byte[16];
        Blake2s.Hash("The quick brown fox"u8, digest, Sequence(16));
        Assert.Equal("9d4686fe91925a9f3ce0a3bb03ef696d", Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void RejectsBadSizes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Blake2sHasher.Create(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Blake2sHasher.Create(33));
        Assert.Throws<ArgumentException>(() => Blake2sHasher.Create(32, new byte[33]));
        var hasher = Blake2sHasher.Create(32);
        Assert.Throws<ArgumentException>(() => hasher.Finish(new byte[31]));
        Assert.Throws<InvalidOperationException>(() => default(Blake2sHasher).Update([1]));
    }

    [Fact]
    public void HashingAllocatesNothing()
    {
        byte[] input = Sequence(1500);
        byte[] key = Sequence(32);
        byte[] digest = new byte[32];
        Blake2s.Hash(input, digest, key);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            Blake2s.Hash(input, digest, key);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    // RFC 7693 Appendix E, selftest_seq: a Fibonacci-like generator seeded with 0xDEAD4BAD * seed.
    private static void SelfTestSequence(Span<byte> output, uint seed)
    {
        uint a = unchecked(0xDEAD4BADu * seed);
        uint b = 1;
        for (int i = 0; i < output.Length; i++)
        {
            uint t = unchecked(a + b);
            a = b;
            b = t;
            output[i] = (byte)(t >> 24);
        }
    }

    private static byte[] Sequence(int length)
    {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)i;
        }

        return bytes;
    }
}
