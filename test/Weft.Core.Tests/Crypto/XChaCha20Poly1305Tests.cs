using System.Security.Cryptography;
using Weft.Core.Crypto;
using Xunit;

namespace Weft.Core.Tests.Crypto;

public class XChaCha20Poly1305Tests
{
    // draft-irtf-cfrg-xchacha section 2.2.1: HChaCha20 test vector.
    [Fact]
    public void HChaCha20_DraftSection2_2_1()
    {
        byte[] key = Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        byte[] nonce = Convert.FromHexString("000000090000004a0000000031415927");
        byte[] subkey = new byte[32];
        HChaCha20.DeriveSubkey(key, nonce, subkey);
        Assert.Equal("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc", Convert.ToHexStringLower(subkey));
    }

    // draft-irtf-cfrg-xchacha appendix A.3.1: AEAD_XChaCha20_Poly1305 (key, nonce, AAD, plaintext, ciphertext, tag).
    public static TheoryData<string, string, string, string, string, string> DraftAppendixA3_1 => new()
    {
        {
            "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
            "404142434445464748494a4b4c4d4e4f5051525354555657",
            "50515253c0c1c2c3c4c5c6c7",
            "4c616469657320616e642047656e746c656d656e206f662074686520636c617373206f66202739393a204966204920636f756c64206f6666657220796f75206f6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73637265656e20776f756c642062652069742e",
            "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff921f9664c97637da9768812f615c68b13b52e",
            "c0875924c1c7987947deafd8780acf49"
        },
    };

    [Theory]
    [MemberData(nameof(DraftAppendixA3_1))]
    public void AeadVector(string keyHex, string nonceHex, string aadHex, string plaintextHex, string ciphertextHex, string tagHex)
    {
        byte[] key = Convert.FromHexString(keyHex);
        byte[] nonce = Convert.FromHexString(nonceHex);
        byte[] aad = Convert.FromHexString(aadHex);
        byte[] plaintext = Convert.FromHexString(plaintextHex);

        byte[] sealedBytes = new byte[plaintext.Length + 16];
        XChaCha20Poly1305.Seal(key, nonce, plaintext, sealedBytes, aad);
        Assert.Equal(ciphertextHex + tagHex, Convert.ToHexStringLower(sealedBytes));

        byte[] opened = new byte[plaintext.Length];
        Assert.True(XChaCha20Poly1305.TryOpen(key, nonce, sealedBytes, opened, aad));
        Assert.Equal(plaintext, opened);

        // In place.
        Assert.True(XChaCha20Poly1305.TryOpen(key, nonce, sealedBytes, sealedBytes.AsSpan(0, plaintext.Length), aad));
        Assert.Equal(plaintext, sealedBytes.AsSpan(0, plaintext.Length).ToArray());
    }

    [Fact]
    public void TamperingIsRefused()
    {
        byte[] key = RandomNumberGenerator.GetBytes(32);
        byte[] nonce = RandomNumberGenerator.GetBytes(24);
        byte[] cookie = RandomNumberGenerator.GetBytes(16);
        byte[] mac1 = RandomNumberGenerator.GetBytes(16);
        byte[] sealedBytes = new byte[32];
        XChaCha20Poly1305.Seal(key, nonce, cookie, sealedBytes, mac1);
        byte[] opened = new byte[16];
        Assert.True(XChaCha20Poly1305.TryOpen(key, nonce, sealedBytes, opened, mac1));
        Assert.Equal(cookie, opened);

        nonce[23] ^= 1; // the part that goes into the ChaCha20-Poly1305 nonce
        Assert.False(XChaCha20Poly1305.TryOpen(key, nonce, sealedBytes, opened, mac1));
        nonce[23] ^= 1;
        nonce[0] ^= 1;  // the part that goes into HChaCha20
        Assert.False(XChaCha20Poly1305.TryOpen(key, nonce, sealedBytes, opened, mac1));
        nonce[0] ^= 1;
        mac1[5] ^= 1;
        Assert.False(XChaCha20Poly1305.TryOpen(key, nonce, sealedBytes, opened, mac1));
        Assert.False(XChaCha20Poly1305.TryOpen(key, nonce, new byte[10], [], mac1));
        Assert.Throws<ArgumentException>(() => XChaCha20Poly1305.Seal(key, new byte[12], cookie, sealedBytes, mac1));
    }
}
