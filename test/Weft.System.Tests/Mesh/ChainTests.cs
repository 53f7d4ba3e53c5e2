using Weft.SystemTests.Lab;
using Weft.Tests;
using Xunit;

namespace Weft.SystemTests.Mesh;

/// <summary>
/// Issue 3 (a): a chain alpha – bravo – charlie – delta where only neighbours share a link. alpha
/// reaches delta through two relays: ping over mesh IPv4 and IPv6, a 5 s iperf3 run, and
/// <c>weft status</c> on alpha shows delta's path as <c>via bravo -> charlie</c>.
/// </summary>
public sealed class ChainTests
{
    [Fact]
    public async Task EndsOfAChainReachEachOtherThroughTwoRelays()
    {
        Requires.Root();
        Requires.Programs("ip", "ping", "ss", "iperf3");
        await using var lab = new NetworkLab();
        lab.Log("Story: four members in a chain alpha - bravo - charlie - delta; each only knows its neighbours. alpha talks to delta.");
        var world = await MeshLab.CreateAsync(lab, ["alpha", "bravo", "charlie", "delta"]);
        var (a, b, c, d) = (world["alpha"], world["bravo"], world["charlie"], world["delta"]);
        await world.LinkAsync(a, b);
        await world.LinkAsync(b, c);
        var cd = await world.LinkAsync(c, d);

        lab.Log("Without the mesh, alpha cannot reach delta's underlay address at all (no link, no route).");
        var direct = await lab.ExecAsync(a.Namespace, TimeSpan.FromSeconds(5), "ping", "-c", "1", "-W", "1", cd.Ipv4B.ToString());
        Assert.False(direct.Succeeded, "alpha reached delta's underlay address directly; the chain is not a chain");

        lab.Log("Every member comes up with --peer for its neighbours only.");
        await world.StartAllAsync();
        await world.WaitForNeighboursAsync(TimeSpan.FromSeconds(30));

        lab.Log("alpha pings delta's mesh IPv4 and IPv6 (two relays in between).");
        await WeftScenario.MustPingAsync(lab, a.Namespace, d.MeshIpv4!);
        await WeftScenario.MustPingAsync(lab, a.Namespace, d.MeshIpv6!);

        lab.Log("alpha's status shows delta's path through bravo and charlie.");
        var path = await MeshLab.WaitForPathAsync(a, d, p => p == "via bravo -> charlie", TimeSpan.FromSeconds(15), "via bravo -> charlie");
        Assert.Equal("via bravo -> charlie", path);
        var text = await a.Node.MustRunAsync("status");
        Assert.Contains("via bravo -> charlie", text.Stdout, StringComparison.Ordinal);

        lab.Log("iperf3 alpha -> delta for 5 s over the mesh (server on delta).");
        var rate = await Iperf.MeasureAsync(lab, d.Namespace, a.Namespace, d.MeshIpv4!, reverse: false, seconds: 5);
        Assert.True(rate > 0, "iperf3 alpha -> delta carried no data");

        foreach (var member in world.Members)
        {
            Assert.False(member.Node.Daemon!.HasExited, $"{member.Name}'s daemon exited:\n{member.Node.Daemon.Output}");
        }
    }
}
