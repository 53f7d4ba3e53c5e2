using System.Diagnostics;
using Weft.SystemTests.Lab;
using Weft.Tests;
using Xunit;

namespace Weft.SystemTests.Mesh;

/// <summary>
/// Issue 3 (d): two members on one LAN (a bridge) with no other network, no Internet and no
/// <c>--peer</c>: they find each other by multicast beacons on IPv6 link-local; after both are
/// stopped (SIGTERM) and started again they ping each other within 5 s of the restart.
/// </summary>
public sealed class OfflineLanTests
{
    private static readonly TimeSpan RestartBudget = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task TwoMembersOnAnOfflineLanFindEachOtherAndAgainAfterARestart()
    {
        Requires.Root();
        Requires.Programs("ip", "ping", "sysctl");
        await using var lab = new NetworkLab();
        lab.Log("Story: 'desk' and 'shelf' share a LAN switch and nothing else; no --peer, no routes, only link-local IPv6.");
        var world = await MeshLab.CreateAsync(lab, ["desk", "shelf"]);
        var (desk, shelf) = (world["desk"], world["shelf"]);
        await world.BridgeAsync([desk, shelf]);

        lab.Log("Both come up with no peers; beacons must introduce them.");
        await world.StartAsync([desk, shelf], _ => []);
        await desk.Node.WaitForConnectedPeerAsync(TimeSpan.FromSeconds(20), p => p.Name == shelf.Name);
        await shelf.Node.WaitForConnectedPeerAsync(TimeSpan.FromSeconds(20), p => p.Name == desk.Name);
        await WeftScenario.MustPingAsync(lab, desk.Namespace, shelf.MeshIpv4!);
        await WeftScenario.MustPingAsync(lab, shelf.Namespace, desk.MeshIpv6!);

        lab.Log("Both are stopped with SIGTERM.");
        await Task.WhenAll(desk.Node.Daemon!.StopAsync(TimeSpan.FromSeconds(10)), shelf.Node.Daemon!.StopAsync(TimeSpan.FromSeconds(10)));
        Assert.True(desk.Node.Daemon.HasExited && shelf.Node.Daemon.HasExited, "a daemon did not stop on SIGTERM");
        foreach (var member in new[] { desk, shelf })
        {
            var cache = Directory.GetFiles(member.Node.StateDirectory, "peers*.json", SearchOption.AllDirectories);
            lab.Log($"{member.Name}'s peer cache: {(cache.Length == 0 ? "(none)" : string.Join(", ", cache))}");
            foreach (var file in cache)
            {
                lab.Log(await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
            }
        }

        lab.Log("Both start again at the same moment; the clock runs from here.");
        var clock = Stopwatch.StartNew();
        desk.Node.StartUp();
        shelf.Node.StartUp();
        var deskToShelf = PingUntilAnswerAsync(lab, desk, shelf.MeshIpv4!, clock);
        var shelfToDesk = PingUntilAnswerAsync(lab, shelf, desk.MeshIpv4!, clock);
        var times = await Task.WhenAll(deskToShelf, shelfToDesk);
        lab.Log($"after the restart: desk -> shelf answered at {Seconds(times[0])}, shelf -> desk at {Seconds(times[1])}");
        Assert.True(times[0] <= RestartBudget, $"desk could not ping shelf within {RestartBudget.TotalSeconds:F0} s of the restart (first answer: {Seconds(times[0])})\n{desk.Node.Daemon!.Output}");
        Assert.True(times[1] <= RestartBudget, $"shelf could not ping desk within {RestartBudget.TotalSeconds:F0} s of the restart (first answer: {Seconds(times[1])})\n{shelf.Node.Daemon!.Output}");
        await desk.Node.StatusAsync();
    }

    /// <summary>Pings (one request, 0.5 s wait) every 0.1 s until an answer or 10 s after the restart; the time of the first answer, or MaxValue.</summary>
    private static async Task<TimeSpan> PingUntilAnswerAsync(NetworkLab lab, MeshMember from, string address, Stopwatch clock)
    {
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            var ping = await lab.ExecAsync(new ExecRequest(from.Namespace, ["ping", "-c", "1", "-W", "0.5", address]) { Quiet = true, Timeout = TimeSpan.FromSeconds(3) });
            if (ping.Succeeded)
            {
                var at = clock.Elapsed;
                lab.Log($"{from.Name} -> {address}: first answer {Seconds(at)} after the restart");
                return at;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        return TimeSpan.MaxValue;
    }

    private static string Seconds(TimeSpan t) => t == TimeSpan.MaxValue ? "never (10 s)" : $"{t.TotalSeconds:F2} s";
}
