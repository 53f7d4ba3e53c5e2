using System.Net;
using Weft.Core.Net;
using Weft.Core.WireGuard;
using Xunit;

namespace Weft.Core.Tests.WireGuard;

/// <summary>Garbage on the wire is counted by reason and never throws or disturbs a working session.</summary>
public class MalformedDatagramTests
{
    private static readonly UdpEndpoint Stranger = UdpEndpoint.Of(new(IPAddress.Parse("192.0.2.99"), 4444));

    [Fact]
    public void Each_kind_of_bad_datagram_is_counted_under_its_reason()
    {
        using var t = new TwoPeers();
        t.AliceSends(TwoPeers.Ipv4Packet(1));
        var bob = t.Bob.Device;

        bob.ReceiveDatagram([], Stranger);
        bob.ReceiveDatagram([1, 0], Stranger);
        Assert.Equal(2, t.B.DatagramsTooShort);

        bob.ReceiveDatagram([9, 0, 0, 0, 1, 2, 3], Stranger);
        bob.ReceiveDatagram([1, 1, 0, 0, 1, 2, 3], Stranger);   // reserved bytes not zero
        Assert.Equal(2, t.B.UnknownType);

        bob.ReceiveDatagram(new byte[147].With(0, 1), Stranger);
        bob.ReceiveDatagram(new byte[93].With(0, 2), Stranger);
        bob.ReceiveDatagram(new byte[63].With(0, 3), Stranger);
        Assert.Equal(3, t.B.InvalidLength);

        bob.ReceiveDatagram(new byte[148].With(0, 1), Stranger);
        bob.ReceiveDatagram(new byte[92].With(0, 2), Stranger);
        Assert.Equal(2, t.B.BadMac1);

        bob.ReceiveDatagram(new byte[64].With(0, 3), Stranger);
        Assert.Equal(1, t.B.BadCookieReplies);

        bob.ReceiveDatagram(new byte[31].With(0, 4), Stranger);
        Assert.Equal(3, t.B.DatagramsTooShort);
        bob.ReceiveDatagram(new byte[48].With(0, 4), Stranger);   // receiver index 0: not ours
        Assert.Equal(1, t.B.UnknownReceiverIndex);

        // The session still works.
        t.AliceSends(TwoPeers.Ipv4Packet(2));
        Assert.Equal(2, t.Bob.Events.Payloads.Count);
    }

    [Fact]
    public void Random_and_mutated_datagrams_never_throw()
    {
        using var t = new TwoPeers();
        var captured = new List<byte[]>();
        t.Network.Tap = d =>
        {
            captured.Add(d.Data);
            return true;
        };
        t.AliceSends(TwoPeers.Ipv4Packet(1));
        t.BobSends(TwoPeers.Ipv4Packet(2));
        t.Network.Tap = null;
        Assert.True(captured.Count >= 4);

        var random = new Random(1234);
        var buffer = new byte[256];
        for (var i = 0; i < 5000; i++)
        {
            Span<byte> datagram;
            if (i % 2 == 0)
            {
                // Pure noise with a plausible type byte.
                datagram = buffer.AsSpan(0, random.Next(0, buffer.Length));
                random.NextBytes(datagram);
                if (datagram.Length >= 4 && i % 4 == 0)
                {
                    datagram[0] = (byte)random.Next(1, 5);
                    datagram[1] = datagram[2] = datagram[3] = 0;
                }
            }
            else
            {
                // A real message with a flipped bit or a truncation.
                var real = captured[random.Next(captured.Count)];
                datagram = buffer.AsSpan(0, real.Length);
                real.CopyTo(datagram);
                if (i % 3 == 0)
                {
                    datagram = datagram[..random.Next(0, real.Length)];
                }
                else
                {
                    datagram[random.Next(datagram.Length)] ^= (byte)(1 << random.Next(8));
                }
            }

            var target = i % 5 == 0 ? t.Alice.Device : t.Bob.Device;
            target.ReceiveDatagram(datagram, Stranger);
        }

        // Nothing got through, nothing threw, every drop was counted somewhere.
        Assert.Single(t.Bob.Events.Payloads);
        Assert.Single(t.Alice.Events.Payloads);
        var b = t.B;
        var a = t.A;
        long Drops(WireGuardCounters c) => c.DatagramsTooShort + c.UnknownType + c.InvalidLength + c.BadMac1 + c.BadCookieReplies
            + c.UnknownReceiverIndex + c.DecryptFailures + c.Replays + c.HandshakeFailures + c.ReplayedInitiations
            + c.FloodedInitiations + c.UnexpectedResponses + c.ExpiredKeypair + c.BadInnerLength;
        Assert.True(Drops(a) + Drops(b) >= 4900, $"drops {Drops(a) + Drops(b)}");

        // And the session still works.
        t.AliceSends(TwoPeers.Ipv4Packet(3));
        Assert.Equal(TwoPeers.Ipv4Packet(3), t.Bob.Events.Payloads[^1]);
    }
}

internal static class ByteArrayExtensions
{
    public static byte[] With(this byte[] bytes, int index, byte value)
    {
        bytes[index] = value;
        return bytes;
    }
}
