using Weft.SystemTests.Lab;
using Weft.Tests;
using Xunit;

namespace Weft.SystemTests.Mesh;

/// <summary>
/// Issue 3, bad input on a real node: an outsider next to 'bravo' (the relay in the middle of a
/// chain alpha – bravo – charlie) throws forged adverts, relay envelopes with TTL 0 and unknown
/// destinations, and beacons from a foreign CA at bravo's UDP port, its TCP port and the LAN
/// multicast group. bravo counts drops, keeps running, its map (<c>weft map --json</c>) keeps the
/// same nodes and links, no stranger becomes a peer, and alpha still reaches charlie through it.
/// </summary>
public sealed class MeshBadInputTests
{
    [Fact]
    public async Task RelayIgnoresForgedMeshMessagesFromOutside()
    {
        Requires.Root();
        Requires.Programs("ip", "ping", "python3");
        await using var lab = new NetworkLab();
        lab.Log("Story: alpha - bravo - charlie; an outsider (no certificate) on a cable to bravo throws mesh-shaped garbage at it.");
        var world = await MeshLab.CreateAsync(lab, ["alpha", "bravo", "charlie"]);
        var (a, b, c) = (world["alpha"], world["bravo"], world["charlie"]);
        await world.LinkAsync(a, b);
        await world.LinkAsync(b, c);
        var outsider = await lab.CreateNamespaceAsync("outsider");
        var cable = await lab.ConnectAsync(outsider, b.Namespace);
        await world.StartAllAsync();
        await world.WaitForNeighboursAsync(TimeSpan.FromSeconds(30));
        await WeftScenario.MustPingAsync(lab, a.Namespace, c.MeshIpv4!);

        lab.Log("bravo's map before: all three members and their links.");
        var before = await StableMapAsync(lab, b, 3);
        var statusBefore = await b.Node.StatusAsync();

        lab.Log("The outsider sends for 6 s (at most 20000 messages).");
        var summary = await MeshNoise.SendAsync(lab, outsider, cable.Ipv4B.ToString(), WeftScenario.Port, cable.InterfaceA, TimeSpan.FromSeconds(6), 20_000, seed: 3);
        lab.Log($"sent: {summary}");

        Assert.False(b.Node.Daemon!.HasExited, $"bravo's daemon died:\n{b.Node.Daemon.Output}");
        var statusAfter = await b.Node.StatusAsync();
        lab.Log($"bravo's drop counters that moved:\n{MeshStatus.DropChanges(statusBefore, statusAfter)}");
        Assert.True(MeshStatus.Drops(statusAfter) > MeshStatus.Drops(statusBefore), $"bravo counted no drops after the noise ({summary}):\n{statusAfter.Json}");
        Assert.True(MeshStatus.BeaconDrops(statusAfter) > MeshStatus.BeaconDrops(statusBefore), $"bravo counted no dropped beacons from the foreign CA:\n{statusAfter.Json}");
        var strangers = statusAfter.Peers.Where(p => p.Name != a.Name && p.Name != c.Name && p.Verified).ToList();
        Assert.True(strangers.Count == 0, $"bravo verified peers that are not members: {string.Join(", ", strangers.Select(p => p.Name))}");

        lab.Log("bravo's map after: same nodes, same links; alpha still reaches charlie through bravo.");
        var after = await StableMapAsync(lab, b, 3);
        Assert.True(before.SameTopology(after), $"bravo's map changed:\nbefore: {before}\nafter:  {after}");
        await WeftScenario.MustPingAsync(lab, a.Namespace, c.MeshIpv4!);
        Assert.False(b.Node.Daemon.HasExited, $"bravo's daemon died:\n{b.Node.Daemon.Output}");
    }

    /// <summary>`weft map --json` once it lists <paramref name="nodes"/> nodes and reads the same twice in a row.</summary>
    private static async Task<MeshMap> StableMapAsync(NetworkLab lab, MeshMember member, int nodes)
    {
        MeshMap? previous = null;
        var map = await Poll.ForValueAsync(
            async () =>
            {
                var run = await lab.ExecAsync(new ExecRequest(member.Namespace, member.Node.Argv("map", "--json")) { Quiet = true, Timeout = TimeSpan.FromSeconds(15) });
                var current = run.Succeeded ? MeshMap.TryParse(run.Stdout, out _) : null;
                var stable = current is not null && current.Nodes.Count == nodes && previous is not null && previous.SameTopology(current);
                previous = current;
                return stable ? current : null;
            },
            TimeSpan.FromSeconds(20),
            TimeSpan.FromMilliseconds(500));
        Assert.True(map is not null, $"{member.Name}'s `weft map --json` never settled on {nodes} nodes; last: {previous?.Json ?? "(none)"}");
        lab.Log($"{member.Name}'s map: {map}");
        await member.Node.RunAsync("map");
        return map!;
    }
}
