using Weft.SystemTests.Lab;
using Weft.Tests;
using Xunit;

namespace Weft.SystemTests;

/// <summary>
/// The issue-2 user story end to end: A creates a mesh, B joins with a signed certificate, both
/// come up in their own namespaces, and they reach each other over IPv4 and IPv6 with real
/// traffic (ping and iperf3 both ways), each listing the other in <c>weft status</c>.
/// </summary>
public sealed class TwoMembersTests
{
    [Fact]
    public async Task TwoMembersPingAndCarryTrafficBothWays()
    {
        Requires.Root();
        Requires.Programs("ip", "ping", "ss", "iperf3");
        await using var lab = new NetworkLab();
        lab.Log("Story: A creates mesh 'home'; B joins as 'laptop'; they ping and send bulk traffic over the mesh both ways.");
        var mesh = await WeftScenario.StartTwoMembersAsync(lab);
        var nsA = mesh.A.Namespace;
        var nsB = mesh.B.Namespace;

        lab.Log("B pings A's mesh IPv4 and IPv6; A pings B's.");
        await WeftScenario.MustPingAsync(lab, nsB, mesh.AMeshIpv4);
        await WeftScenario.MustPingAsync(lab, nsB, mesh.AMeshIpv6);
        await WeftScenario.MustPingAsync(lab, nsA, mesh.BMeshIpv4);
        await WeftScenario.MustPingAsync(lab, nsA, mesh.BMeshIpv6);

        lab.Log("iperf3 for 10 s each way over the mesh (server on A).");
        var upload = await Iperf.MeasureAsync(lab, nsA, nsB, mesh.AMeshIpv4, reverse: false);
        var download = await Iperf.MeasureAsync(lab, nsA, nsB, mesh.AMeshIpv4, reverse: true);
        Assert.True(upload > 0, "B -> A carried no data");
        Assert.True(download > 0, "A -> B carried no data");

        lab.Log("Both status outputs list the other as a member with an endpoint and a handshake time.");
        foreach (var (node, other) in new[] { (mesh.A, mesh.B), (mesh.B, mesh.A) })
        {
            var status = await node.StatusAsync();
            var otherStatus = await other.StatusAsync();
            var peer = status.Peers.SingleOrDefault(p => p.Ipv4 is not null && p.Ipv4.Split('/')[0] == otherStatus.Ipv4Address);
            Assert.True(peer is not null, $"{node.Label} does not list {other.Label} ({otherStatus.Ipv4Address}):\n{status.Json}");
            Assert.Equal("member", peer!.Kind);
            Assert.True(peer.Verified, $"{node.Label} has not verified {other.Label}:\n{status.Json}");
            Assert.False(string.IsNullOrEmpty(peer.Endpoint), $"{node.Label} shows no endpoint for {other.Label}:\n{status.Json}");
            Assert.NotNull(peer.LastHandshake);
            Assert.True(peer.RxBytes > 0 && peer.TxBytes > 0, $"{node.Label} counts no bytes to/from {other.Label}:\n{status.Json}");
            Assert.Equal(otherStatus.Name, peer.Name);
        }

        lab.Log("The plain `weft status` of B reads well too:");
        await mesh.B.MustRunAsync("status");
    }
}
