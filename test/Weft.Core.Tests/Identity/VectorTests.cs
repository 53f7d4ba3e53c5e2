using Weft.Core.Identity;
using Weft.Core.Identity.Internal;
using Xunit;

namespace Weft.Core.Tests.Identity;

/// <summary>The key primitives under NSec behave as the RFCs say (so seeds and raw keys mean what we think).</summary>
public class VectorTests
{
    [Fact]
    public void Ed25519_Rfc8032_Test1()
    {
        var seed = Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        var expectedPublic = Convert.FromHexString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        var expectedSignature = Convert.FromHexString(
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");

        Assert.Equal(expectedPublic, Ed25519Signer.PublicKeyFromSeed(seed));
        var keys = NodeKeys.FromPrivateKeys(new byte[32], seed);
        Assert.Equal(expectedPublic, keys.SigningPublicKey);
        Assert.Equal(expectedSignature, keys.Sign([]));
        Assert.True(Ed25519Signer.Verify(expectedPublic, [], expectedSignature));
        Assert.False(Ed25519Signer.Verify(expectedPublic, [0], expectedSignature));
    }

    [Fact]
    public void X25519_Rfc7748_AlicePublicKey()
    {
        var alicePrivate = Convert.FromHexString("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        var alicePublic = Convert.FromHexString("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
        var keys = NodeKeys.FromPrivateKeys(alicePrivate, new byte[32]);
        Assert.Equal(alicePublic, keys.SessionPublicKey);
    }

    [Fact]
    public void GeneratedSessionKeysAreClamped()
    {
        for (var i = 0; i < 20; i++)
        {
            var key = NodeKeys.Generate().SessionPrivateKey;
            Assert.Equal(0, key[0] & 7);
            Assert.Equal(0x40, key[31] & 0xC0);
        }
    }
}
