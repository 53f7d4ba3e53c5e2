using System.Net;
using Weft.Core.Crypto;
using Weft.Core.Net;
using Weft.Core.WireGuard;
using Xunit;

namespace Weft.Core.Tests.WireGuard;

/// <summary>The mac/cookie layer on its own: a cookie is bound to the source address and to the responder's secret of the moment.</summary>
public class CookieTests
{
    private const long Lifetime = 120;   // timestamp units; the device passes two minutes

    [Fact]
    public void Cookie_binds_mac2_to_the_source_and_expires_with_the_secret()
    {
        var responderPriv = TwoPeers.NewKey();
        var responderPub = new byte[32];
        X25519.DerivePublicKey(responderPriv, responderPub);
        var checker = new CookieChecker(responderPub, new ScriptedRandom(3), Lifetime);
        var generator = new CookieGenerator(responderPub, Lifetime);
        var source = UdpEndpoint.Of(new IPEndPoint(IPAddress.Parse("192.0.2.10"), 5000));

        // A message with a good mac1 and no mac2.
        var message = new byte[148];
        message[0] = 1;
        new Random(5).NextBytes(message.AsSpan(4, 112));
        generator.AddMacs(message, now: 0);
        Assert.True(checker.CheckMac1(message));
        Assert.False(checker.CheckMac2(message, source, now: 0));

        // The responder answers with a cookie; the initiator's next message carries mac2.
        var reply = new byte[64];
        checker.CreateReply(message, receiverIndex: 7, source, now: 1, reply);
        Assert.True(generator.TryConsumeCookieReply(reply, now: 1));
        generator.AddMacs(message, now: 2);
        Assert.True(checker.CheckMac1(message));
        Assert.True(checker.CheckMac2(message, source, now: 2));

        // Another address (even the port) does not get the same cookie.
        Assert.False(checker.CheckMac2(message, UdpEndpoint.Of(new IPEndPoint(source.Address.Address, 5001)), now: 2));
        Assert.False(checker.CheckMac2(message, UdpEndpoint.Of(new IPEndPoint(IPAddress.Parse("2001:db8::10"), 5000)), now: 2));

        // After the secret rotates (every two minutes) the old cookie is worthless.
        Assert.False(checker.CheckMac2(message, source, now: 2 + Lifetime));

        // A reply is bound to the mac1 it answers: replayed against a later message it does not open.
        var other = (byte[])message.Clone();
        other[10] ^= 1;
        generator.AddMacs(other, now: 3);
        Assert.False(generator.TryConsumeCookieReply(reply, now: 3));

        // A tampered mac1 fails.
        message[120] ^= 1;
        Assert.False(checker.CheckMac1(message));
    }
}
