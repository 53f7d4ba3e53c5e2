using System.Net;
using Weft.Core.Nat;
using Xunit;

namespace Weft.Core.Tests.Nat;

/// <summary>The call-me-maybe layout (control message 0x04): round trips, the exact bytes, and every rejection.</summary>
public class CallMeMaybeMessageTests
{
    private static readonly NatCandidate V4 = new(NatCandidateSource.Reflexive, IPEndPoint.Parse("198.18.3.2:51820"));
    private static readonly NatCandidate V6 = new(NatCandidateSource.Local, IPEndPoint.Parse("[2001:db8::7]:51820"));
    private static readonly NatCandidate Mapped = new(NatCandidateSource.Mapped, IPEndPoint.Parse("203.0.113.5:40000"));

    [Fact]
    public void Layout_is_type_step_attempt_flags_count_then_candidates()
    {
        var bytes = new CallMeMaybeMessage(CallMeMaybeType.Reply, 0x01020304, NatMapping.EndpointDependent, true, [V4]).Encode();
        Assert.Equal("04" + "02" + "01020304" + "06" + "01" + "01" + "04" + "CA6C" + "C6120302", Convert.ToHexString(bytes));
    }

    [Theory]
    [InlineData(CallMeMaybeType.Request, NatMapping.EndpointIndependent, false)]
    [InlineData(CallMeMaybeType.Reply, NatMapping.EndpointDependent, true)]
    [InlineData(CallMeMaybeType.Go, NatMapping.Unknown, false)]
    [InlineData(CallMeMaybeType.Swept, NatMapping.Unknown, true)]
    public void Round_trips_every_step_with_IPv4_IPv6_and_every_source(CallMeMaybeType type, NatMapping mapping, bool portMapping)
    {
        var message = new CallMeMaybeMessage(type, 0xdeadbeef, mapping, portMapping, [V4, V6, Mapped]);
        var padded = message.Encode().Concat(new byte[13]).ToArray();   // WireGuard's zero padding is ignored
        Assert.True(CallMeMaybeMessage.TryRead(padded, out var read, out var dropped, out var error), error);
        Assert.Equal(0, dropped);
        Assert.Equal(type, read!.Type);
        Assert.Equal(0xdeadbeefu, read.AttemptId);
        Assert.Equal(mapping, read.Mapping);
        Assert.Equal(portMapping, read.HasPortMapping);
        Assert.Equal([V4, V6, Mapped], read.Candidates);
    }

    [Fact]
    public void No_NAT_travels_as_endpoint_independent()
    {
        var bytes = new CallMeMaybeMessage(CallMeMaybeType.Request, 1, NatMapping.None, false, []).Encode();
        Assert.Equal(1, bytes[6]);
        Assert.True(CallMeMaybeMessage.TryRead(bytes, out var read, out _, out _));
        Assert.Equal(NatMapping.EndpointIndependent, read!.Mapping);
    }

    [Fact]
    public void Encoding_leaves_out_unusable_candidates_and_stops_at_16()
    {
        var many = Enumerable.Range(1, 20).Select(i => new NatCandidate(NatCandidateSource.Local, new IPEndPoint(IPAddress.Parse($"10.0.0.{i}"), 51820)));
        var bytes = new CallMeMaybeMessage(CallMeMaybeType.Request, 1, NatMapping.Unknown, false,
                                           [new NatCandidate(NatCandidateSource.Local, IPEndPoint.Parse("127.0.0.1:51820")), .. many]).Encode();
        Assert.Equal(16, bytes[7]);
        Assert.Equal(CallMeMaybeMessage.HeaderSize + (16 * 8), bytes.Length);
        Assert.True(CallMeMaybeMessage.TryRead(bytes, out var read, out _, out _));
        Assert.Equal(IPAddress.Parse("10.0.0.1"), read!.Candidates[0].Endpoint.Address);
    }

    public static TheoryData<string, string> Rejections => new()
    {
        { "", "truncated header" },
        { "04010000000100", "truncated header" },
        { "03010000000100" + "00", "not a call-me-maybe message" },
        { "0400000000010000", "unknown type 0" },
        { "0405000000010000", "unknown type 5" },
        { "0401000000010011", "17 candidates" },
        { "0401000000010001" + "0104CA", "truncated candidate" },          // candidate header cut
        { "0401000000010001" + "0104CA6CC612", "truncated candidate" },    // address cut
        { "0401000000010001" + "0105CA6CC6120302FF", "candidate address length 5" },
        { "0401000000010001" + "0100CA6C", "candidate address length 0" },
        { "0401000000010001" + "0304CA6CC6120302", "unknown candidate source 3" },
        { "0401000000010002" + "0104CA6CC6120302", "truncated candidate" },  // count says 2, one present
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public void Malformed_messages_are_rejected_whole(string hex, string reason)
    {
        Assert.False(CallMeMaybeMessage.TryRead(Convert.FromHexString(hex), out var read, out _, out var error));
        Assert.Null(read);
        Assert.StartsWith(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1", 51820)]
    [InlineData("::1", 51820)]
    [InlineData("0.0.0.0", 51820)]
    [InlineData("::", 51820)]
    [InlineData("224.0.0.1", 51820)]
    [InlineData("ff02::1", 51820)]
    [InlineData("255.255.255.255", 51820)]
    [InlineData("169.254.1.1", 51820)]
    [InlineData("fe80::1", 51820)]
    [InlineData("198.18.3.2", 0)]
    public void Unusable_candidates_are_dropped_and_counted(string address, int port)
    {
        var ip = IPAddress.Parse(address);
        var bad = new byte[4 + (ip.GetAddressBytes().Length)];
        bad[0] = 1;
        bad[1] = (byte)ip.GetAddressBytes().Length;
        bad[2] = (byte)(port >> 8);
        bad[3] = (byte)port;
        ip.GetAddressBytes().CopyTo(bad, 4);
        var good = Convert.FromHexString("0104CA6CC6120302");
        var message = Convert.FromHexString("0401000000010002").Concat(bad).Concat(good).ToArray();
        Assert.True(CallMeMaybeMessage.TryRead(message, out var read, out var dropped, out var error), error);
        Assert.Equal(1, dropped);
        Assert.Equal([V4], read!.Candidates);
        Assert.False(NatCandidate.IsUsable(new IPEndPoint(ip, port)));
    }

    [Fact]
    public void Flag_value_3_reads_as_unknown_and_reserved_bits_are_ignored()
    {
        Assert.True(CallMeMaybeMessage.TryRead(Convert.FromHexString("04030000000AFB00"), out var read, out _, out _));
        Assert.Equal(NatMapping.Unknown, read!.Mapping);
        Assert.False(read.HasPortMapping);
        Assert.Equal(CallMeMaybeType.Go, read.Type);
        Assert.Equal(10u, read.AttemptId);
    }
}
