using System.Net;
using Weft.Platform.PortMapping;
using Xunit;

namespace Weft.Platform.Tests.PortMapping;

/// <summary>NAT-PMP (RFC 6886 §3.2, §3.3) requests and responses against hand-written bytes.</summary>
public sealed class NatPmpMessageTests
{
    [Fact]
    public void External_address_request_is_version_0_opcode_0()
    {
        Assert.Equal(Convert.FromHexString("0000"), NatPmpMessage.EncodeExternalAddressRequest());
    }

    [Fact]
    public void Map_request_layout()
    {
        // vers 0, op 1 (UDP), reserved, internal 41641, suggested 41641, lifetime 7200
        Assert.Equal(Convert.FromHexString("00010000" + "A2A9A2A9" + "00001C20"), NatPmpMessage.EncodeMapUdpRequest(41641, 41641, 7200));
        // delete: lifetime 0, suggested external port 0
        Assert.Equal(Convert.FromHexString("00010000" + "A2A90000" + "00000000"), NatPmpMessage.EncodeMapUdpRequest(41641, 0, 0));
    }

    [Fact]
    public void External_address_response_decodes()
    {
        var response = Convert.FromHexString("00800000" + "00000E10" + "C0000201");
        Assert.True(NatPmpMessage.TryDecodeExternalAddress(response, out var address, out var error), error);
        Assert.Equal(IPAddress.Parse("192.0.2.1"), address);
    }

    [Fact]
    public void Map_response_decodes()
    {
        var response = Convert.FromHexString("00810000" + "00000E10" + "A2A9C350" + "00001C20");
        Assert.True(NatPmpMessage.TryDecodeMapUdp(response, out var internalPort, out var externalPort, out var lifetime, out var error), error);
        Assert.Equal(41641, internalPort);
        Assert.Equal(50000, externalPort);
        Assert.Equal(7200u, lifetime);
    }

    [Theory]
    [InlineData("00810001", "unsupported version")]
    [InlineData("00810002", "not authorized/refused")]
    [InlineData("00810003", "network failure")]
    [InlineData("00810004", "out of resources")]
    [InlineData("00810005", "unsupported opcode")]
    [InlineData("00810009", "result code 9")]
    public void Result_codes_are_errors_with_their_names(string header, string name)
    {
        var response = Convert.FromHexString(header + "00000E10" + "A2A9C350" + "00001C20");
        Assert.False(NatPmpMessage.TryDecodeMapUdp(response, out _, out _, out _, out var error));
        Assert.Equal("NAT-PMP: " + name, error);
    }

    [Theory]
    [InlineData("", "truncated")]
    [InlineData("00", "truncated")]
    [InlineData("008100", "truncated")]
    [InlineData("00810000" + "00000E10" + "A2A9C350" + "0000", "truncated")]
    [InlineData("02810000" + "00000E10" + "A2A9C350" + "00001C20", "version 2")]
    [InlineData("00820000" + "00000E10" + "A2A9C350" + "00001C20", "opcode 130")]
    [InlineData("ffffffffffffffffffffffffffffffff", "version 255")]
    public void Truncated_or_garbage_map_responses_are_errors(string hex, string expected)
    {
        Assert.False(NatPmpMessage.TryDecodeMapUdp(Convert.FromHexString(hex), out _, out _, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_external_address_response_is_an_error()
    {
        Assert.False(NatPmpMessage.TryDecodeExternalAddress(Convert.FromHexString("00800000" + "00000E10" + "C000"), out _, out var error));
        Assert.Contains("truncated", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsupported_version_answer_to_a_PCP_request_is_recognised()
    {
        // What a NAT-PMP-only server sends back for a version-2 MAP: version 0, opcode 128+1, result 1.
        Assert.True(NatPmpMessage.IsUnsupportedVersion(Convert.FromHexString("00810001" + "00000E10")));
        Assert.True(NatPmpMessage.IsUnsupportedVersion(Convert.FromHexString("00800001")));
        Assert.False(NatPmpMessage.IsUnsupportedVersion(Convert.FromHexString("00810000")));
        Assert.False(NatPmpMessage.IsUnsupportedVersion(Convert.FromHexString("008100")));
        Assert.False(NatPmpMessage.IsUnsupportedVersion(Convert.FromHexString("02810001")));
    }
}
