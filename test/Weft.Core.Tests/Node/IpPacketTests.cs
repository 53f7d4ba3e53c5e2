using System.Net;
using Weft.Core.Node;
using Xunit;

namespace Weft.Core.Tests.Node;

public class IpPacketTests
{
    [Fact]
    public void Reads_ipv4_addresses_and_length_through_padding()
    {
        var packet = TestPackets.Ipv4(IPAddress.Parse("100.90.0.2"), IPAddress.Parse("100.90.0.3"), 7);
        var padded = new byte[(packet.Length + 15) / 16 * 16];
        packet.CopyTo(padded, 0);
        Assert.Equal(packet.Length, IpPacket.DeclaredLength(padded));
        Assert.True(IpPacket.TryGetSource(padded, out var v6, out var source));
        Assert.False(v6);
        Assert.Equal(AddressPrefix.ToNumber(IPAddress.Parse("100.90.0.2")).Bits, source);
        Assert.True(IpPacket.TryGetDestination(padded, out _, out var destination));
        Assert.Equal(AddressPrefix.ToNumber(IPAddress.Parse("100.90.0.3")).Bits, destination);
    }

    [Fact]
    public void Reads_ipv6_addresses_and_length()
    {
        var packet = TestPackets.Ipv6(IPAddress.Parse("fd01::2"), IPAddress.Parse("fd01::3"), 9);
        Assert.Equal(packet.Length, IpPacket.DeclaredLength(packet));
        Assert.True(IpPacket.TryGetSource(packet, out var v6, out var source));
        Assert.True(v6);
        Assert.Equal(AddressPrefix.ToNumber(IPAddress.Parse("fd01::2")).Bits, source);
        Assert.True(IpPacket.TryGetDestination(packet, out _, out var destination));
        Assert.Equal(AddressPrefix.ToNumber(IPAddress.Parse("fd01::3")).Bits, destination);
    }

    [Fact]
    public void Truncated_headers_are_refused()
    {
        var packet = TestPackets.Ipv4(IPAddress.Parse("100.90.0.2"), IPAddress.Parse("100.90.0.3"), 7);
        Assert.Equal(-1, IpPacket.DeclaredLength(packet.AsSpan(0, packet.Length - 1)));
        Assert.Equal(-1, IpPacket.DeclaredLength(packet.AsSpan(0, 19)));
        Assert.False(IpPacket.TryGetSource(packet.AsSpan(0, 19), out _, out _));
        var v6 = TestPackets.Ipv6(IPAddress.Parse("fd01::2"), IPAddress.Parse("fd01::3"), 9);
        Assert.Equal(-1, IpPacket.DeclaredLength(v6.AsSpan(0, 39)));
        Assert.Equal(-1, IpPacket.DeclaredLength([]));
        Assert.Equal(-1, IpPacket.DeclaredLength([0x10, 0, 0, 0]));
    }
}
