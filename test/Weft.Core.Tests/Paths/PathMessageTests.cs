using System.Net;
using Weft.Core.Identity;
using Weft.Core.Net;
using Weft.Core.Paths;
using Xunit;

namespace Weft.Core.Tests.Paths;

/// <summary>Ping/pong byte layouts and the endpoint classification.</summary>
public class PathMessageTests
{
    [Fact]
    public void Ping_layout_is_type_reserved_and_big_endian_id()
    {
        var ping = new byte[16];
        PingMessage.Write(ping, 0x0102030405060708);
        Assert.Equal("0200000001020304050607080000000", Convert.ToHexString(ping)[..31]);
        Assert.True(PingMessage.TryRead(ping, out var id));
        Assert.Equal(0x0102030405060708UL, id);
        Assert.False(PingMessage.TryRead(ping.AsSpan(0, 11), out _));
        Assert.False(PingMessage.TryRead(new byte[] { 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, out _));
    }

    [Fact]
    public void Pong_echoes_the_observed_endpoint_for_every_kind()
    {
        Span<byte> buffer = stackalloc byte[PongMessage.MaximumSize + 3];
        var v4 = new IPEndPoint(IPAddress.Parse("203.0.113.9"), 40000);
        var length = PongMessage.Write(buffer, 77, UdpEndpoint.Of(v4));
        Assert.Equal(17, length);
        Assert.Equal("0300" + "9C40" + "000000000000004D" + "04" + "CB007109", Convert.ToHexString(buffer[..length]));
        Assert.True(PongMessage.TryRead(buffer[..length], out var id, out var observed));
        Assert.Equal(77UL, id);
        Assert.Equal(new ObservedEndpoint(TransportKind.Udp, v4), observed);

        // IPv4-mapped sources (dual-stack sockets) are reported as plain IPv4.
        var mapped = new IPEndPoint(IPAddress.Parse("203.0.113.9").MapToIPv6(), 40000);
        length = PongMessage.Write(buffer, 78, UdpEndpoint.Of(mapped));
        Assert.True(PongMessage.TryRead(buffer[..length], out _, out observed));
        Assert.Equal(v4, observed!.Address);

        var v6 = new IPEndPoint(IPAddress.Parse("2001:db8::7"), 443);
        length = PongMessage.Write(buffer, 79, new Net.FakeStreamConnection(v6, TransportKind.Tls, outbound: false));
        Assert.Equal(29, length);
        Assert.True(PongMessage.TryRead(buffer, out _, out observed));   // trailing padding is ignored
        Assert.Equal(new ObservedEndpoint(TransportKind.Tls, v6), observed);

        length = PongMessage.Write(buffer, 80, new RelayEndpoint(NodeId.FromBytes(new byte[16])));
        Assert.Equal(13, length);
        Assert.True(PongMessage.TryRead(buffer[..length], out _, out observed));
        Assert.Equal(new ObservedEndpoint(TransportKind.Relay, null), observed);
    }

    [Theory]
    [InlineData("03")]                                  // truncated
    [InlineData("03040000000000000000000001")]          // unknown kind
    [InlineData("03000000000000000000000005")]          // bad address length
    [InlineData("0300000000000000000000000400")]        // address cut short
    [InlineData("03000000000000000000000000")]          // udp without an address
    [InlineData("03030000000000000000000004CB007109")]  // relay with an address
    public void Malformed_pongs_are_refused(string hex)
    {
        Assert.False(PongMessage.TryRead(Convert.FromHexString(hex), out _, out _));
    }

    [Theory]
    [InlineData("127.0.0.1", PathClass.Lan)]
    [InlineData("10.1.2.3", PathClass.Lan)]
    [InlineData("172.20.0.1", PathClass.Lan)]
    [InlineData("172.32.0.1", PathClass.Udp)]
    [InlineData("192.168.1.1", PathClass.Lan)]
    [InlineData("169.254.3.4", PathClass.Lan)]
    [InlineData("fe80::1", PathClass.Lan)]
    [InlineData("fd00::1", PathClass.Lan)]
    [InlineData("::ffff:192.168.1.1", PathClass.Lan)]
    [InlineData("::ffff:8.8.8.8", PathClass.Udp)]
    [InlineData("203.0.113.1", PathClass.Udp)]
    [InlineData("2001:db8::1", PathClass.Udp)]
    public void Udp_endpoints_are_classified_by_address(string address, PathClass expected)
    {
        Assert.Equal(expected, PathClassifier.Classify(UdpEndpoint.Of(new IPEndPoint(IPAddress.Parse(address), 1))));
    }

    [Fact]
    public void A_private_address_off_our_subnets_is_not_lan_when_the_host_says_so()
    {
        var onLink = (IPAddress a) => a.ToString().StartsWith("192.168.1.", StringComparison.Ordinal);
        Assert.Equal(PathClass.Lan, PathClassifier.Classify(UdpEndpoint.Of(new IPEndPoint(IPAddress.Parse("192.168.1.9"), 1)), onLink));
        Assert.Equal(PathClass.Udp, PathClassifier.Classify(UdpEndpoint.Of(new IPEndPoint(IPAddress.Parse("192.168.2.9"), 1)), onLink));
        Assert.Equal(PathClass.Lan, PathClassifier.Classify(UdpEndpoint.Of(new IPEndPoint(IPAddress.Parse("::ffff:192.168.1.9"), 1)), onLink));
        Assert.Equal(PathClass.Stream, PathClassifier.Classify(new Net.FakeStreamConnection(new IPEndPoint(IPAddress.Loopback, 1), TransportKind.Tcp, true)));
        Assert.Equal(PathClass.Relay, PathClassifier.Classify(new RelayEndpoint(NodeId.FromBytes(new byte[16]))));
    }
}
