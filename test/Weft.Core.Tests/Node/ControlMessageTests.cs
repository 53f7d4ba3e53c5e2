using Weft.Core.Node;
using Xunit;

namespace Weft.Core.Tests.Node;

public class ControlMessageTests
{
    [Fact]
    public void Certificate_message_round_trips_and_ignores_padding()
    {
        byte[] cert = [1, 2, 3, 4, 5];
        var message = CertificateMessage.Create(cert, verifiedYours: true);
        Assert.Equal(new byte[] { 0x01, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5 }, message);

        var padded = new byte[16];
        message.CopyTo(padded, 0);
        Assert.True(CertificateMessage.TryRead(padded, out var read, out var verified));
        Assert.True(verified);
        Assert.Equal(cert, read.ToArray());
    }

    [Theory]
    [InlineData(new byte[] { 0x01 })]
    [InlineData(new byte[] { 0x01, 0x00, 0x00 })]
    [InlineData(new byte[] { 0x01, 0x00, 0x00, 0x00 })]
    [InlineData(new byte[] { 0x01, 0x00, 0x00, 0x05, 1, 2 })]
    [InlineData(new byte[] { 0x01, 0x80, 0x00, 0x01, 1 })]
    [InlineData(new byte[] { 0x02, 0x00, 0x00, 0x01, 1 })]
    public void Malformed_certificate_messages_are_refused(byte[] message)
        => Assert.False(CertificateMessage.TryRead(message, out _, out _));

    [Fact]
    public void No_control_type_looks_like_an_ip_packet()
    {
        foreach (var type in Enum.GetValues<ControlMessageType>())
        {
            Assert.False(IpPacket.IsIpPacket((byte)type));
            Assert.NotEqual(0, (byte)type);
        }
    }
}
