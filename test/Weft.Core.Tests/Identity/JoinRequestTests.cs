using Weft.Core.Identity;
using Xunit;

namespace Weft.Core.Tests.Identity;

public class JoinRequestTests
{
    [Fact]
    public void RoundTripsThroughBinaryAndText()
    {
        var keys = NodeKeys.Generate();
        var request = JoinRequest.Create(keys, "Laptop.example.com");
        Assert.Equal("laptop", request.SuggestedName);
        Assert.Equal(keys.SessionPublicKey, request.SessionKey);
        Assert.Equal(keys.SigningPublicKey, request.SigningKey);
        Assert.Equal(keys.NodeId, request.NodeId);
        Assert.True(request.VerifySignature());

        Assert.True(JoinRequest.TryDecode(request.Encode(), out var decoded, out var error), error);
        Assert.Equal(request.Encode(), decoded!.Encode());
        var text = request.ToText();
        Assert.StartsWith("-----BEGIN WEFT JOIN REQUEST-----", text, StringComparison.Ordinal);
        Assert.True(JoinRequest.TryParse(text, out var parsed, out error), error);
        Assert.Equal(request.Encode(), parsed!.Encode());
        Assert.Equal("laptop", parsed.SuggestedName);
    }

    [Theory]
    [InlineData("my_host", "my-host")]
    [InlineData("UPPER", "upper")]
    [InlineData("---", "node")]
    [InlineData("", "node")]
    [InlineData("héllo.local", "h-llo")]
    public void NormalizesHostnames(string hostname, string expected) => Assert.Equal(expected, JoinRequest.NormalizeName(hostname));

    [Fact]
    public void NormalizesVeryLongHostnames() => Assert.Equal(63, JoinRequest.NormalizeName(new string('a', 100)).Length);

    [Fact]
    public void RejectsTamperingAndTrailingBytes()
    {
        var bytes = JoinRequest.Create(NodeKeys.Generate(), "box").Encode();
        var renamed = (byte[])bytes.Clone();
        renamed[67] = (byte)'f'; // "box" -> "fox": still well formed, signature now wrong
        Assert.False(JoinRequest.TryDecode(renamed, out _, out var error));
        Assert.Contains("signature does not verify", error, StringComparison.Ordinal);
        Assert.False(JoinRequest.TryDecode([.. bytes, 0], out _, out error));
        Assert.Contains("trailing", error, StringComparison.Ordinal);
    }

    [Fact]
    public void DescribeShowsNameKeysAndSignature()
    {
        var request = JoinRequest.Create(NodeKeys.Generate(), "box");
        var text = request.Describe();
        Assert.Contains("box", text, StringComparison.Ordinal);
        Assert.Contains(request.NodeId.ToString(), text, StringComparison.Ordinal);
        Assert.Contains(Convert.ToBase64String(request.SessionKey), text, StringComparison.Ordinal);
        Assert.Contains("valid (the requester holds the signing key)", text, StringComparison.Ordinal);
        Assert.Contains("INVALID", WithWrongSignature(request).Describe(), StringComparison.Ordinal);
    }

    /// <summary>The same request with the last signature byte flipped, built past the decoder's check.</summary>
    internal static JoinRequest WithWrongSignature(JoinRequest request)
    {
        var bytes = request.Encode();
        bytes[^1] ^= 1;
        Assert.True(JoinRequest.TryDecodeUnverified(bytes, out var forged, out var error), error);
        Assert.False(forged!.VerifySignature());
        return forged;
    }
}
