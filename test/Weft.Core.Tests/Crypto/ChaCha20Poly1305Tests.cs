using System.Security.Cryptography;
using Weft.Core.Crypto;
using Xunit;
using BclChaCha20Poly1305 = System.Security.Cryptography.ChaCha20Poly1305;

namespace Weft.Core.Tests.Crypto;

public class ChaCha20Poly1305Tests
{
    // RFC 8439: (key, 96-bit nonce, AAD, plaintext, ciphertext, tag).
    public static TheoryData<string, string, string, string, string, string> Rfc8439Vectors => new()
    {
        // Section 2.8.2, AEAD_CHACHA20_POLY1305 ("Ladies and Gentlemen of the class of '99 ...").
        {
            "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
            "070000004041424344454647",
            "50515253c0c1c2c3c4c5c6c7",
            "4c616469657320616e642047656e746c656d656e206f662074686520636c617373206f66202739393a204966204920636f756c64206f6666657220796f75206f6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73637265656e20776f756c642062652069742e",
            "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116",
            "1ae10b594f09e26a7e902ecbd0600691"
        },
        // Appendix A.5, ChaCha20-Poly1305 AEAD decryption ("Internet-Drafts are draft documents ...").
        {
            "1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0",
            "000000000102030405060708",
            "f33388860000000000004e91",
            "496e7465726e65742d4472616674732061726520647261667420646f63756d656e74732076616c696420666f722061206d6178696d756d206f6620736978206d6f6e74687320616e64206d617920626520757064617465642c207265706c616365642c206f72206f62736f6c65746564206279206f7468657220646f63756d656e747320617420616e792074696d652e20497420697320696e617070726f70726961746520746f2075736520496e7465726e65742d447261667473206173207265666572656e6365206d6174657269616c206f7220746f2063697465207468656d206f74686572207468616e206173202fe2809c776f726b20696e2070726f67726573732e2fe2809d",
            "64a0861575861af460f062c79be643bd5e805cfd345cf389f108670ac76c8cb24c6cfc18755d43eea09ee94e382d26b0bdb7b73c321b0100d4f03b7f355894cf332f830e710b97ce98c8a84abd0b948114ad176e008d33bd60f982b1ff37c8559797a06ef4f0ef61c186324e2b3506383606907b6a7c02b0f9f6157b53c867e4b9166c767b804d46a59b5216cde7a4e99040c5a40433225ee282a1b0a06c523eaf4534d7f83fa1155b0047718cbc546a0d072b04b3564eea1b422273f548271a0bb2316053fa76991955ebd63159434ecebb4e466dae5a1073a6727627097a1049e617d91d361094fa68f0ff77987130305beaba2eda04df997b714d6c6f2c29a6ad5cb4022b02709b",
            "eead9d67890cbb22392336fea1851f38"
        },
    };

    [Theory]
    [MemberData(nameof(Rfc8439Vectors))]
    public void Rfc8439_KeyInstance(string keyHex, string nonceHex, string aadHex, string plaintextHex, string ciphertextHex, string tagHex)
    {
        byte[] plaintext = Convert.FromHexString(plaintextHex);
        byte[] nonce = Convert.FromHexString(nonceHex);
        byte[] aad = Convert.FromHexString(aadHex);
        using var key = new ChaCha20Poly1305Key(Convert.FromHexString(keyHex));

        byte[] sealedBytes = new byte[plaintext.Length + 16];
        key.Seal(nonce, plaintext, sealedBytes, aad);
        Assert.Equal(ciphertextHex + tagHex, Convert.ToHexStringLower(sealedBytes));

        byte[] opened = new byte[plaintext.Length];
        Assert.True(key.TryOpen(nonce, sealedBytes, opened, aad));
        Assert.Equal(plaintextHex, Convert.ToHexStringLower(opened));
    }

    [Theory]
    [MemberData(nameof(Rfc8439Vectors))]
    public void Rfc8439_OneShotAndInPlace(string keyHex, string nonceHex, string aadHex, string plaintextHex, string ciphertextHex, string tagHex)
    {
        byte[] key = Convert.FromHexString(keyHex);
        byte[] nonce = Convert.FromHexString(nonceHex);
        byte[] aad = Convert.FromHexString(aadHex);
        int length = plaintextHex.Length / 2;

        // One buffer: plaintext, then room for the tag; sealed in place, opened in place.
        byte[] buffer = new byte[length + 16];
        Convert.FromHexString(plaintextHex).CopyTo(buffer, 0);
        ChaCha20Poly1305Once.Seal(key, nonce, buffer.AsSpan(0, length), buffer, aad);
        Assert.Equal(ciphertextHex + tagHex, Convert.ToHexStringLower(buffer));

        Assert.True(ChaCha20Poly1305Once.TryOpen(key, nonce, buffer, buffer.AsSpan(0, length), aad));
        Assert.Equal(plaintextHex, Convert.ToHexStringLower(buffer.AsSpan(0, length)));

        using var keyInstance = new ChaCha20Poly1305Key(key);
        keyInstance.Seal(nonce, buffer.AsSpan(0, length), buffer, aad);
        Assert.Equal(ciphertextHex + tagHex, Convert.ToHexStringLower(buffer));
        Assert.True(keyInstance.TryOpen(nonce, buffer, buffer.AsSpan(0, length), aad));
        Assert.Equal(plaintextHex, Convert.ToHexStringLower(buffer.AsSpan(0, length)));
    }

    // The counter overloads use the WireGuard nonce: 4 zero bytes, then the counter little-endian.
    [Theory]
    [InlineData(0UL, "000000000000000000000000")]
    [InlineData(1UL, "000000000100000000000000")]
    [InlineData(0x0102030405060708UL, "000000000807060504030201")]
    [InlineData(ulong.MaxValue, "00000000ffffffffffffffff")]
    public void CounterMapsToWireGuardNonce(ulong counter, string expectedNonceHex)
    {
        byte[] nonce = new byte[12];
        nonce.AsSpan().Fill(0xEE);
        ChaCha20Poly1305Core.WriteNonce(counter, nonce);
        Assert.Equal(expectedNonceHex, Convert.ToHexStringLower(nonce));

        // And the public counter API really seals with that nonce.
        byte[] key = RandomNumberGenerator.GetBytes(32);
        byte[] plaintext = RandomNumberGenerator.GetBytes(100);
        byte[] aad = RandomNumberGenerator.GetBytes(7);
        byte[] viaCounter = new byte[116], viaNonce = new byte[116], viaOnce = new byte[116];
        using (var instance = new ChaCha20Poly1305Key(key))
        {
            instance.Seal(counter, plaintext, viaCounter, aad);
        }

        ChaCha20Poly1305Once.Seal(key, counter, plaintext, viaOnce, aad);
        using (var bcl = new BclChaCha20Poly1305(key))
        {
            bcl.Encrypt(Convert.FromHexString(expectedNonceHex), plaintext, viaNonce.AsSpan(0, 100), viaNonce.AsSpan(100), aad);
        }

        Assert.Equal(viaNonce, viaCounter);
        Assert.Equal(viaNonce, viaOnce);
    }

    [Fact]
    public void TamperedInputFailsWithoutThrowingAndZeroesTheDestination()
    {
        using var key = new ChaCha20Poly1305Key(RandomNumberGenerator.GetBytes(32));
        byte[] plaintext = RandomNumberGenerator.GetBytes(64);
        byte[] sealedBytes = new byte[80];
        key.Seal(7, plaintext, sealedBytes, "header"u8);
        byte[] opened = new byte[64];

        Assert.True(key.TryOpen(7, sealedBytes, opened, "header"u8));
        Assert.Equal(plaintext, opened);

        Assert.False(key.TryOpen(8, sealedBytes, opened, "header"u8));         // wrong counter
        Assert.All(opened, b => Assert.Equal(0, b));
        Assert.False(key.TryOpen(7, sealedBytes, opened, "headeR"u8));         // wrong associated data
        Assert.False(key.TryOpen(7, sealedBytes, opened));                     // missing associated data
        for (int i = 0; i < sealedBytes.Length; i += 9)
        {
            sealedBytes[i] ^= 0x01;
            Assert.False(key.TryOpen(7, sealedBytes, opened, "header"u8));     // any flipped bit, ciphertext or tag
            sealedBytes[i] ^= 0x01;
        }

        Assert.False(key.TryOpen(7, new byte[15], [], "header"u8));            // shorter than a tag
        Assert.False(ChaCha20Poly1305Once.TryOpen(new byte[32], 7, sealedBytes, opened, "header"u8)); // wrong key
        Assert.True(key.TryOpen(7, sealedBytes, opened, "header"u8));
    }

    [Fact]
    public void EmptyPlaintextIsJustATag()
    {
        using var key = new ChaCha20Poly1305Key(RandomNumberGenerator.GetBytes(32));
        byte[] tag = new byte[16];
        key.Seal(3, default, tag);
        Assert.True(key.TryOpen(3, tag, []));
        tag[0] ^= 1;
        Assert.False(key.TryOpen(3, tag, []));
    }

    [Fact]
    public void WrongDestinationSizeIsABug()
    {
        using var key = new ChaCha20Poly1305Key(new byte[32]);
        Assert.Throws<ArgumentException>(() => key.Seal(0, new byte[10], new byte[25]));
        Assert.Throws<ArgumentException>(() => key.TryOpen(0, new byte[26], new byte[9]));
        Assert.Throws<ArgumentException>(() => new ChaCha20Poly1305Key(new byte[16]));
    }

    [Fact]
    public void DisposedKeyRefusesUse()
    {
        var key = new ChaCha20Poly1305Key(new byte[32]);
        key.Dispose();
        key.Dispose();
        Assert.Throws<ObjectDisposedException>(() => key.Seal(0, new byte[1], new byte[17]));
    }

    [Fact]
    public void SealAndOpenAllocateNothingOnceWarm()
    {
        using var key = new ChaCha20Poly1305Key(RandomNumberGenerator.GetBytes(32));
        byte[] packet = new byte[1420 + 16];
        RandomNumberGenerator.Fill(packet.AsSpan(0, 1420));
        byte[] bad = new byte[1436];
        for (ulong i = 0; i < 100; i++)
        {
            key.Seal(i, packet.AsSpan(0, 1420), packet);
            Assert.True(key.TryOpen(i, packet, packet.AsSpan(0, 1420)));
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (ulong i = 0; i < 10_000; i++)
        {
            key.Seal(i, packet.AsSpan(0, 1420), packet);
            if (!key.TryOpen(i, packet, packet.AsSpan(0, 1420)))
            {
                Assert.Fail("round trip failed");
            }
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    // Many threads share one key; every message must round-trip and match a single-threaded seal.
    [Fact]
    public void ConcurrentUseOfOneKeyIsSafe()
    {
        byte[] keyBytes = RandomNumberGenerator.GetBytes(32);
        using var key = new ChaCha20Poly1305Key(keyBytes);
        using var reference = new BclChaCha20Poly1305(keyBytes);
        int threads = Math.Max(4, Environment.ProcessorCount * 2);
        int failures = 0;
        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            int seed = t;
            workers[t] = new Thread(() =>
            {
                var random = new Random(seed);
                byte[] plaintext = new byte[300 + seed];
                byte[] sealedBytes = new byte[plaintext.Length + 16];
                byte[] opened = new byte[plaintext.Length];
                byte[] expected = new byte[sealedBytes.Length];
                Span<byte> nonce = stackalloc byte[12];
                for (ulong i = 0; i < 2_000; i++)
                {
                    random.NextBytes(plaintext);
                    ulong counter = ((ulong)seed << 32) | i;
                    key.Seal(counter, plaintext, sealedBytes);
                    if (!key.TryOpen(counter, sealedBytes, opened) || !opened.AsSpan().SequenceEqual(plaintext))
                    {
                        Interlocked.Increment(ref failures);
                    }

                    if (i % 100 == 0)
                    {
                        ChaCha20Poly1305Core.WriteNonce(counter, nonce);
                        lock (reference)
                        {
                            reference.Encrypt(nonce, plaintext, expected.AsSpan(0, plaintext.Length), expected.AsSpan(plaintext.Length));
                        }

                        if (!expected.AsSpan().SequenceEqual(sealedBytes))
                        {
                            Interlocked.Increment(ref failures);
                        }
                    }
                }
            });
        }

        foreach (var worker in workers)
        {
            worker.Start();
        }

        foreach (var worker in workers)
        {
            Assert.True(worker.Join(TimeSpan.FromSeconds(60)));
        }

        Assert.Equal(0, failures);
    }
}
