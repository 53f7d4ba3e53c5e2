using System.Net;
using System.Security.Cryptography;
using System.Text;
using Weft.Core.Identity;
using Xunit;

namespace Weft.Core.Tests.Identity;

public class Ipv6DerivationTests
{
    [Fact]
    public void UlaPrefixIsFdPlus40BitsOfTheCaKeyHash()
    {
        var caKey = new byte[32];
        caKey[0] = 7;
        var hash = SHA256.HashData(caKey);
        var prefix = Ipv6Derivation.UlaPrefixFromCaKey(caKey);
        Assert.Equal(48, prefix.PrefixLength);
        var bytes = prefix.BaseAddress.GetAddressBytes();
        Assert.Equal(0xfd, bytes[0]);
        Assert.Equal(hash[..5], bytes[1..6]);
        Assert.All(bytes[6..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void NodeAddressIsPrefixPlus80BitsOfTheSessionKeyHash()
    {
        var prefix = Ipv6Derivation.UlaPrefixFromCaKey(new byte[32]);
        var key = NodeKeys.Generate().SessionPublicKey;
        var hash = SHA256.HashData([.. Encoding.ASCII.GetBytes("weft ipv6"), .. key]);
        var address = Ipv6Derivation.NodeAddress(prefix, key);
        Assert.True(prefix.Contains(address));
        Assert.Equal(hash[..10], address.GetAddressBytes()[6..]);
    }

    [Fact]
    public void RefusesAPrefixThatIsNotAnIpv6Slash48()
    {
        Assert.Throws<ArgumentException>(() => Ipv6Derivation.NodeAddress(IPNetwork.Parse("10.0.0.0/8"), new byte[32]));
        Assert.Throws<ArgumentException>(() => Ipv6Derivation.NodeAddress(IPNetwork.Parse("fd00::/64"), new byte[32]));
    }
}
