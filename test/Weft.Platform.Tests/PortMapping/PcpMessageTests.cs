using System.Net;
using Weft.Platform.PortMapping;
using Xunit;

namespace Weft.Platform.Tests.PortMapping;

/// <summary>PCP (RFC 6887 §7.1, §7.2, §11.1) MAP request and response against hand-written bytes.</summary>
public sealed class PcpMessageTests
{
    private static readonly byte[] Nonce = Convert.FromHexString("0102030405060708090A0B0C");

    private const string Header = "02810000" + "00001C20" + "00000E10" + "000000000000000000000000";

    private const string MapPayload = "0102030405060708090A0B0C" + "11000000" + "A2A9C350" + "00000000000000000000FFFFCB007105";

    [Fact]
    public void Map_request_layout()
    {
        var request = PcpMessage.EncodeMapUdp(Nonce, IPAddress.Parse("192.168.1.23"), 41641, 41641, null, 7200);
        var expected = Convert.FromHexString(
            "02010000" + "00001C20" +                      // version 2, MAP, lifetime 7200
            "00000000000000000000FFFFC0A80117" +            // client ::ffff:192.168.1.23
            "0102030405060708090A0B0C" +                    // nonce
            "11000000" +                                    // UDP, reserved
            "A2A9A2A9" +                                    // internal 41641, suggested external 41641
            "00000000000000000000FFFF00000000");            // suggested external ::ffff:0.0.0.0
        Assert.Equal(expected, request);
        Assert.Equal(60, request.Length);
    }

    [Fact]
    public void Map_response_decodes_with_IPv4_mapped_external_address()
    {
        var response = Convert.FromHexString(Header + MapPayload);
        Assert.True(PcpMessage.TryDecodeMapUdp(response, Nonce, out var code, out var internalPort, out var externalPort, out var external, out var lifetime, out var error), error);
        Assert.Equal(0, code);
        Assert.Equal(41641, internalPort);
        Assert.Equal(50000, externalPort);
        Assert.Equal(IPAddress.Parse("203.0.113.5"), external);
        Assert.Equal(7200u, lifetime);
    }

    [Theory]
    [InlineData(1, "UNSUPP_VERSION")]
    [InlineData(2, "NOT_AUTHORIZED")]
    [InlineData(3, "MALFORMED_REQUEST")]
    [InlineData(8, "NO_RESOURCES")]
    [InlineData(11, "CANNOT_PROVIDE_EXTERNAL")]
    [InlineData(12, "ADDRESS_MISMATCH")]
    [InlineData(200, "result code 200")]
    public void Result_codes_are_errors_with_their_names(int result, string name)
    {
        var response = Convert.FromHexString(Header + MapPayload);
        response[3] = (byte)result;
        Assert.False(PcpMessage.TryDecodeMapUdp(response, Nonce, out var code, out _, out _, out _, out _, out var error));
        Assert.Equal(result, code);
        Assert.Equal("PCP: " + name, error);
    }

    [Fact]
    public void A_response_for_another_nonce_is_rejected()
    {
        var response = Convert.FromHexString(Header + MapPayload);
        response[24] ^= 0xFF;
        Assert.False(PcpMessage.TryDecodeMapUdp(response, Nonce, out _, out _, out _, out _, out _, out var error));
        Assert.Contains("nonce", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "truncated")]
    [InlineData("0281", "truncated")]
    [InlineData(Header, "truncated MAP")]
    [InlineData("00810001", "version 0")]
    [InlineData("02010000", "opcode")]
    [InlineData("02820000", "opcode")]
    public void Truncated_or_garbage_responses_are_errors(string hex, string expected)
    {
        Assert.False(PcpMessage.TryDecodeMapUdp(Convert.FromHexString(hex), Nonce, out _, out _, out _, out _, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_response_for_another_protocol_is_rejected()
    {
        var response = Convert.FromHexString(Header + MapPayload);
        response[36] = 6;
        Assert.False(PcpMessage.TryDecodeMapUdp(response, Nonce, out _, out _, out _, out _, out _, out var error));
        Assert.Contains("protocol 6", error, StringComparison.Ordinal);
    }
}
