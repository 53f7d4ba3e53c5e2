using Weft.Core.Nat;
using Xunit;
using Mapping = Weft.Core.Nat.NatMapping;

namespace Weft.Simulation.Tests.Nat;

/// <summary>
/// <c>MeshNode.RunNetcheckAsync</c> behind each kind of simulated NAT: what the relay and the witness see, the mapping
/// estimate, and hairpinning, checked against what the router really does.
/// </summary>
public sealed class NetcheckTests(ITestOutputHelper output)
{
    public static TheoryData<string, Mapping, bool?> Kinds => new()
    {
        { "full-cone", Mapping.EndpointIndependent, true },
        { "port-restricted", Mapping.EndpointIndependent, true },
        { "port-restricted-no-hairpin", Mapping.EndpointIndependent, false },
        // The router hairpins, but the probe leaves through a new mapping (toward our own reflexive endpoint) and
        // arrives at the mapping the members saw, which admits only them: from the host it does not work.
        { "symmetric", Mapping.EndpointDependent, false },
        { "double", Mapping.EndpointIndependent, true },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Netcheck_reports_the_mapping_behind_each_kind_of_NAT(string kind, Mapping expected, bool? hairpinning)
    {
        NatBehavior[] routers = kind switch
        {
            "full-cone" => [NatBehavior.FullCone],
            "port-restricted" => [NatBehavior.PortRestrictedCone],
            "port-restricted-no-hairpin" => [NatBehavior.PortRestrictedCone with { Hairpinning = false }],
            "symmetric" => [NatBehavior.Symmetric],
            _ => [NatBehavior.PortRestrictedCone, NatBehavior.PortRestrictedCone],
        };
        using var world = new NatTraversalWorld(51, routers, [NatBehavior.PortRestrictedCone]);
        Assert.True(world.Net.RunUntil(() => world.Ready, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100)), "mesh never formed");
        var report = Run(world, world.A);

        var outermost = (NatRouter)world.Net.GetHost("a-nat1");
        Assert.True(report.UdpWorks);
        Assert.Equal(expected, report.Mapping);
        Assert.Equal(hairpinning, report.Hairpinning);
        Assert.Contains(report.Observations, o => o.Member == "relay");
        Assert.Contains(report.Observations, o => o.Member == "witness");
        Assert.All(report.ReflexiveIpv4, e => Assert.Equal(outermost.PublicAddress, e.Address));
        Assert.Equal(expected == Mapping.EndpointDependent ? 2 : 1, report.ReflexiveIpv4.Count);

        // What the router really does: its live mappings for a's socket carry exactly the ports the members saw.
        var mappings = outermost.Mappings;
        output.WriteLine("router mappings: " + string.Join("; ", mappings));
        Assert.All(report.ReflexiveIpv4, e => Assert.Contains(mappings, m => m.Outside.Equals(e)));

        // The passive estimate (from ordinary path probes) agrees: it is what call me maybe would carry.
        Assert.Equal(expected, NatMappingRule.Estimate(report.Observations, null, 51820, out _));
    }

    [Fact]
    public void Netcheck_on_a_public_member_reports_no_NAT()
    {
        using var world = new NatTraversalWorld(52, [NatBehavior.FullCone], [NatBehavior.FullCone]);
        Assert.True(world.Net.RunUntil(() => world.Ready, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100)), "mesh never formed");
        var report = Run(world, world.Witness);
        Assert.True(report.UdpWorks);
        Assert.Equal(Mapping.None, report.Mapping);
        Assert.Contains(world.Witness.Host.EndPoint(51820), report.ReflexiveIpv4);
        Assert.Null(report.Hairpinning);   // nothing to hairpin through
        Assert.Null(report.MappedEndpoint);
    }

    [Fact]
    public void Netcheck_with_UDP_blocked_says_UDP_does_not_work_and_reports_the_port_mapping()
    {
        using var world = new NatTraversalWorld(53, [NatBehavior.UdpBlocked], [NatBehavior.FullCone]);
        world.Net.RunFor(TimeSpan.FromSeconds(5));
        var mapped = new System.Net.IPEndPoint(System.Net.IPAddress.Parse("198.18.3.2"), 40000);
        world.A.Node.SetMappedEndpoint(mapped);
        var report = Run(world, world.A);
        Assert.False(report.UdpWorks);
        Assert.Empty(report.Observations);
        Assert.Equal(Mapping.Unknown, report.Mapping);
        Assert.Equal(mapped, report.MappedEndpoint);
        Assert.Null(report.Hairpinning);
    }

    private NatReport Run(NatTraversalWorld world, NatMember member)
    {
        var started = world.Net.Clock.Elapsed;
        var netcheck = member.Node.RunNetcheckAsync(TimeSpan.FromSeconds(3));
        Assert.True(world.Net.RunUntil(() => netcheck.IsCompleted, TimeSpan.FromSeconds(10)), "netcheck never finished");
        var report = netcheck.Result;
        output.WriteLine($"netcheck on {member.Name} took {(world.Net.Clock.Elapsed - started).TotalSeconds:F2}s (virtual)");
        output.WriteLine($"udp {report.UdpWorks}, ipv4 [{string.Join(", ", report.ReflexiveIpv4)}], mapping {report.Mapping} ({report.MappingDetail}), " +
                         $"hairpinning {report.Hairpinning}, mapped {report.MappedEndpoint}");
        foreach (var o in report.Observations)
        {
            output.WriteLine($"  {o.Member} at {o.MemberEndpoint} saw {o.Observed}");
        }

        return report;
    }
}
