using System.Net;
using Weft.SystemTests.Lab;
using Weft.Tests;
using Xunit;

namespace Weft.SystemTests;

/// <summary>
/// Garbage on the wire: random and truncated datagrams at a node's UDP port for 10 s while a real
/// peer pings through it. The node keeps running, counts what it dropped, and the peer's traffic
/// keeps flowing during and after.
/// </summary>
public sealed class BadInputTests
{
    [Fact]
    public async Task NodeSurvivesGarbageDatagrams()
    {
        Requires.Root();
        Requires.Programs("ip", "ping");
        await using var lab = new NetworkLab();
        lab.Log("Story: while B pings A over the mesh, someone in B's namespace throws 10 s of garbage at A's UDP port.");
        var mesh = await WeftScenario.StartTwoMembersAsync(lab);
        await WeftScenario.MustPingAsync(lab, mesh.B.Namespace, mesh.AMeshIpv4);
        var droppedBefore = (await mesh.A.StatusAsync()).DroppedDatagrams;

        var noise = UdpNoise.SendAsync(mesh.B.Namespace, new IPEndPoint(mesh.Link.Ipv4A, WeftScenario.Port), TimeSpan.FromSeconds(10), maxDatagrams: 50_000, seed: 2);
        var pingDuring = lab.ExecAsync(mesh.B.Namespace, TimeSpan.FromSeconds(30), "ping", "-c", "40", "-i", "0.25", "-W", "2", mesh.AMeshIpv4);
        var sent = await noise;
        lab.Log($"sent {sent} garbage datagrams");
        var during = await pingDuring;
        Assert.True(during.Succeeded, $"B's ping failed while A was under garbage: {during}");
        Assert.Contains(" 0% packet loss", during.Stdout, StringComparison.Ordinal);

        Assert.False(mesh.A.Daemon!.HasExited, $"A's daemon died:\n{mesh.A.Daemon.Output}");
        lab.Log("After the noise: B still reaches A, and A counted the garbage as dropped.");
        await WeftScenario.MustPingAsync(lab, mesh.B.Namespace, mesh.AMeshIpv4);
        var after = await mesh.A.StatusAsync();
        var droppedAfter = after.DroppedDatagrams;
        lab.Log($"A's dropped-datagram counters: {droppedBefore} before, {droppedAfter} after {sent} garbage datagrams");
        Assert.True(droppedAfter > droppedBefore, $"A's counters show no dropped datagrams after {sent} garbage datagrams:\n{after.Json}");
    }
}
