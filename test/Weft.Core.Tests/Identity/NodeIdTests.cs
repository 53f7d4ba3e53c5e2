using System.Security.Cryptography;
using System.Text;
using Weft.Core.Identity;
using Xunit;

namespace Weft.Core.Tests.Identity;

public class NodeIdTests
{
    [Fact]
    public void IsFirst16BytesOfSha256OfContextAndKey()
    {
        var key = new byte[32];
        for (var i = 0; i < 32; i++)
        {
            key[i] = (byte)i;
        }

        var expected = SHA256.HashData([.. Encoding.ASCII.GetBytes("weft node id"), .. key])[..16];
        var id = NodeId.FromSessionKey(key);
        Assert.Equal(expected, id.ToArray());
        Assert.Equal(Convert.ToHexStringLower(expected), id.ToString());
    }

    [Fact]
    public void ParsesItsOwnTextAndComparesByValue()
    {
        var keys = NodeKeys.Generate();
        var id = NodeId.FromSessionKey(keys.SessionPublicKey);
        Assert.True(NodeId.TryParse(id.ToString(), out var parsed));
        Assert.Equal(id, parsed);
        Assert.True(id == parsed);
        Assert.Equal(id.GetHashCode(), parsed.GetHashCode());
        Assert.Equal(keys.NodeId, id);
        Assert.NotEqual(id, NodeId.FromSessionKey(NodeKeys.Generate().SessionPublicKey));
        Assert.False(NodeId.TryParse("xyz", out _));
        Assert.False(NodeId.TryParse(new string('g', 32), out _));
        Assert.False(NodeId.TryParse(null, out _));
    }
}
