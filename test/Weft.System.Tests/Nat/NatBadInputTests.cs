using Weft.SystemTests.Lab;
using Weft.SystemTests.Mesh;
using Weft.Tests;
using Xunit;

namespace Weft.SystemTests.Nat;

/// <summary>
/// Issue 4, bad input from the internet: 2,000 random UDP datagrams from inet to the full-cone
/// router's WAN:51820 (forwarded to its member) and 2,000 to a restricted router's WAN:51820 (half of
/// them spoofed as the relay, so they ride the member's open flow to the relay; the rest die at the
/// firewall). Each member counts drops (and the NAT-probe-shaped ones as natProbesReceived), keeps
/// running, and still pings the relay afterwards.
/// </summary>
[Collection(NatMatrixCollection.Name)]
public sealed class NatBadInputTests(NatMatrixFixture fixture)
{
    private const int Count = 2000;

    [Fact]
    public async Task RandomUdpFromTheInternetIsCountedAndDropped()
    {
        Requires.Root();
        Requires.Programs("ip", "nft", "ping", "python3", "miniupnpd");
        var world = await fixture.GetAsync();
        var lab = world.Lab;
        var other = world.Relay;   // not a matrix member: a session made here must not make a matrix pair direct before it starts
        var seed = 40;
        foreach (var kind in new[] { NatKind.FullCone, NatKind.Restricted })
        {
            var victim = world[NatMatrixFixture.MemberName(kind, 1)];
            lab.Log($"inet sends {Count} random datagrams to {victim.Site.WanAddress}:{NatLab.WeftPort}, the {NatTruth.Name(kind)} router in front of {victim}.");
            var before = await victim.Member.Node.StatusAsync();
            var summary = await NatNoise.SendAsync(lab, world.Nat.Inet, victim.Site.WanAddress.ToString(), NatLab.WeftPort, Count, seed++);
            lab.Log($"sent: {summary}");
            var firewall = await lab.MustRunAsync(victim.Site.RouterNamespace, "nft", "list", "chain", "inet", NatRouter.Table, "input");
            if (kind == NatKind.Restricted)
            {
                // The datagrams from inet's own address match no flow: the router's firewall drops every one of them.
                var dropped = System.Text.RegularExpressions.Regex.Match(firewall.Stdout, @"counter packets (\d+) bytes \d+ drop");
                Assert.True(dropped.Success && long.Parse(dropped.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= Count / 2, $"the restricted router's firewall did not drop the unsolicited half:\n{firewall.Stdout}");
            }

            var daemon = victim.Member.Node.Daemon!;
            Assert.False(daemon.HasExited, $"{victim}'s daemon died:\n{daemon.Output}");
            var grew = await Poll.UntilAsync(async () => await NatApi.StatusAsync(victim.Member.Node) is { } s && MeshStatus.Drops(s) > MeshStatus.Drops(before), TimeSpan.FromSeconds(10));
            var after = await victim.Member.Node.StatusAsync();
            lab.Log($"{victim}'s drop counters that moved:\n{MeshStatus.DropChanges(before, after)}");
            Assert.True(grew, $"{victim} counted no drops after {Count} random datagrams ({summary}):\n{after.Json}");
            var probes = after.Counters.GetValueOrDefault("natProbesReceived") - before.Counters.GetValueOrDefault("natProbesReceived");
            lab.Log($"{victim} counted {probes} NAT probe datagrams (\"WEF\\x05\" + 16 bytes, never answered)");
            Assert.True(probes > 0, $"{victim} did not count the NAT-probe-shaped datagrams (natProbesReceived):\n{after.Json}");
            Assert.True(after.Peers.Count(p => p.Verified) <= before.Peers.Count(p => p.Verified), $"{victim} verified new peers from the noise:\n{after.Json}");

            lab.Log($"{victim} still reaches the relay over the mesh.");
            await WeftScenario.MustPingAsync(lab, victim.Member.Namespace, other.MeshIpv4!);
            Assert.False(daemon.HasExited, $"{victim}'s daemon died:\n{daemon.Output}");
        }
    }
}
