using System.Net;
using Weft.Core.Nat;
using Weft.Core.Node;
using Xunit;

namespace Weft.Core.Tests.Nat;

/// <summary>The contract's mapping rule, the sweeper rule, and the backoff schedule.</summary>
public class NatMappingRuleTests
{
    private static ReflexiveObservation Saw(string member, string memberEndpoint, string observed) =>
        new(member, IPEndPoint.Parse(memberEndpoint), IPEndPoint.Parse(observed));

    [Fact]
    public void Two_members_seeing_the_same_endpoint_is_endpoint_independent()
    {
        var mapping = NatMappingRule.Estimate([Saw("relay", "203.0.113.1:51820", "198.18.3.2:51820"), Saw("witness", "203.0.113.2:51820", "198.18.3.2:51820")],
                                             [IPAddress.Parse("10.0.0.2")], 51820, out var detail);
        Assert.Equal(NatMapping.EndpointIndependent, mapping);
        Assert.Equal("relay and witness saw 198.18.3.2:51820", detail);
    }

    [Fact]
    public void Two_members_seeing_different_ports_is_endpoint_dependent()
    {
        var mapping = NatMappingRule.Estimate([Saw("relay", "203.0.113.1:51820", "198.18.3.2:40001"), Saw("witness", "203.0.113.2:51820", "198.18.3.2:40002")],
                                             null, 51820, out var detail);
        Assert.Equal(NatMapping.EndpointDependent, mapping);
        Assert.Equal("relay saw 198.18.3.2:40001, witness saw 198.18.3.2:40002", detail);
    }

    [Fact]
    public void Our_own_address_with_our_port_means_no_NAT_even_with_one_member()
    {
        Assert.Equal(NatMapping.None, NatMappingRule.Estimate([Saw("relay", "203.0.113.1:51820", "203.0.113.9:51820")],
                                                              [IPAddress.Parse("203.0.113.9")], 51820, out _));
        // Our address but another port: a NAT that kept the address (or port translation on a firewall): not "none".
        Assert.Equal(NatMapping.Unknown, NatMappingRule.Estimate([Saw("relay", "203.0.113.1:51820", "203.0.113.9:40000")],
                                                                 [IPAddress.Parse("203.0.113.9")], 51820, out _));
    }

    [Fact]
    public void Fewer_than_two_distinct_member_IPv4_addresses_is_unknown()
    {
        // Two endpoints of one member host (different ports) are one address; IPv6 members do not count.
        Assert.Equal(NatMapping.Unknown, NatMappingRule.Estimate([Saw("relay", "203.0.113.1:51820", "198.18.3.2:1"), Saw("relay", "203.0.113.1:443", "198.18.3.2:2")],
                                                                 null, 51820, out _));
        Assert.Equal(NatMapping.Unknown, NatMappingRule.Estimate([Saw("a", "[2001:db8::1]:51820", "[2001:db8::9]:5"), Saw("b", "[2001:db8::2]:51820", "[2001:db8::9]:6")],
                                                                 null, 51820, out _));
        Assert.Equal(NatMapping.Unknown, NatMappingRule.Estimate([], null, 51820, out var detail));
        Assert.Equal("no member with a public IPv4 address answered", detail);
    }

    [Fact]
    public void IPv4_mapped_addresses_compare_as_IPv4()
    {
        var mapping = NatMappingRule.Estimate([Saw("relay", "[::ffff:203.0.113.1]:51820", "[::ffff:198.18.3.2]:51820"), Saw("witness", "203.0.113.2:51820", "198.18.3.2:51820")],
                                             null, 51820, out _);
        Assert.Equal(NatMapping.EndpointIndependent, mapping);
    }

    [Theory]
    [InlineData(NatMapping.EndpointIndependent, false, NatMapping.EndpointDependent, false, true)]
    [InlineData(NatMapping.None, false, NatMapping.EndpointDependent, false, true)]
    [InlineData(NatMapping.Unknown, false, NatMapping.EndpointDependent, false, true)]
    [InlineData(NatMapping.EndpointDependent, false, NatMapping.EndpointDependent, false, false)]   // both hard: no sweep
    [InlineData(NatMapping.EndpointIndependent, true, NatMapping.EndpointDependent, false, false)]  // our port mapping works instead
    [InlineData(NatMapping.EndpointIndependent, false, NatMapping.EndpointDependent, true, false)]  // their port mapping works instead
    [InlineData(NatMapping.EndpointIndependent, false, NatMapping.EndpointIndependent, false, false)]
    [InlineData(NatMapping.EndpointIndependent, false, NatMapping.Unknown, false, false)]
    public void The_easy_side_sweeps_only_toward_an_endpoint_dependent_peer(NatMapping own, bool ownMapped, NatMapping peer, bool peerMapped, bool sweeps) =>
        Assert.Equal(sweeps, MeshNode.ShouldSweep(own, ownMapped, peer, peerMapped));

    [Fact]
    public void Backoff_is_5_10_20_40_then_60_seconds()
    {
        Assert.Equal([5, 10, 20, 40, 60, 60, 60], Enumerable.Range(1, 7).Select(f => (int)NatBackoff.After(f).TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(5), NatBackoff.After(0));
    }

    [Fact]
    public void Probe_burst_offsets_double_from_a_tenth_of_a_second()
    {
        Assert.Equal([0, 100, 200, 400, 800, 1600, 3200], Enumerable.Range(0, ProbeBurst.Length).Select(i => (int)ProbeBurst.Offset(i).TotalMilliseconds));
    }

    [Fact]
    public void The_higher_node_ID_steps_in_only_after_the_lower_side_has_been_quiet_for_two_cycles()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), MeshNode.HigherSideSilence(0));
        Assert.Equal(TimeSpan.FromSeconds(20), MeshNode.HigherSideSilence(1));
        Assert.Equal(TimeSpan.FromSeconds(130), MeshNode.HigherSideSilence(9));
    }
}
