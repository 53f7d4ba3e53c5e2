using Weft.SystemTests.Lab;
using Weft.Tests;
using Xunit;

namespace Weft.SystemTests.Mesh;

/// <summary>
/// Issue 3 (c): a member whose network drops all UDP (nftables in its namespace, both directions,
/// loopback excepted) and lets TCP out only to port 443 still joins the mesh: it reaches the
/// relay-role member over TLS on 443 and pings every other member through it.
/// </summary>
public sealed class UdpBlockedTests
{
    [Fact]
    public async Task MemberWithoutUdpReachesTheMeshOverTls443()
    {
        Requires.Root();
        Requires.Programs("ip", "ping", "nft");
        await using var lab = new NetworkLab();
        lab.Log("Story: 'office' creates the mesh, 'hub' is signed with --roles relay (it serves TLS on 443), 'walled' sits behind a firewall that drops UDP and only lets TCP 443 out.");
        var world = await MeshLab.CreateAsync(lab, ["office", "hub", "walled"], new Dictionary<string, string[]> { ["hub"] = ["--roles", "relay"] });
        var (office, hub, walled) = (world["office"], world["hub"], world["walled"]);
        await world.LinkAsync(walled, hub);
        await world.LinkAsync(hub, office);
        var underlay = walled.InterfaceTowards(hub);

        lab.Log($"walled's firewall: drop UDP in and out (except loopback); on {underlay} TCP may only go out to port 443.");
        var ns = walled.Namespace;
        await lab.MustRunAsync(ns, "nft", "add", "table", "inet", "f");
        await lab.MustRunAsync(ns, "nft", "add", "chain", "inet", "f", "in", "{ type filter hook input priority 0; policy accept; }");
        await lab.MustRunAsync(ns, "nft", "add", "chain", "inet", "f", "out", "{ type filter hook output priority 0; policy accept; }");
        await lab.MustRunAsync(ns, "nft", "add", "rule", "inet", "f", "in", "iif", "lo", "accept");
        await lab.MustRunAsync(ns, "nft", "add", "rule", "inet", "f", "in", "meta", "l4proto", "udp", "counter", "drop");
        await lab.MustRunAsync(ns, "nft", "add", "rule", "inet", "f", "out", "oif", "lo", "accept");
        await lab.MustRunAsync(ns, "nft", "add", "rule", "inet", "f", "out", "meta", "l4proto", "udp", "counter", "drop");
        await lab.MustRunAsync(ns, "nft", "add", "rule", "inet", "f", "out", "oifname", underlay, "tcp", "dport", "!=", "443", "counter", "drop");

        lab.Log("hub and office come up first (office knows hub); walled comes up knowing only hub's address and UDP port.");
        await world.StartAsync([hub, office], m => m == office ? MeshLab.NeighbourPeers(m) : []);
        await world.StartAsync([walled]);

        lab.Log("walled gets a session with hub, over TLS on port 443.");
        await world.WaitForNeighboursAsync(TimeSpan.FromSeconds(45));
        var path = await MeshLab.WaitForPathAsync(walled, hub, p => p.StartsWith("direct tls", StringComparison.Ordinal), TimeSpan.FromSeconds(20), "direct tls ...:443");
        Assert.EndsWith(":443", path, StringComparison.Ordinal);

        lab.Log("walled pings every other member: hub directly, office through hub.");
        foreach (var other in new[] { hub, office })
        {
            await WeftScenario.MustPingAsync(lab, walled.Namespace, other.MeshIpv4!);
            await WeftScenario.MustPingAsync(lab, walled.Namespace, other.MeshIpv6!);
        }

        await WeftScenario.MustPingAsync(lab, office.Namespace, walled.MeshIpv4!);
        var officePath = await MeshLab.WaitForPathAsync(walled, office, p => p.Length > 0, TimeSpan.FromSeconds(10), "known");
        lab.Log($"walled reaches office by \"{officePath}\"");

        lab.Log("The firewall really dropped weft's UDP (and its TCP to other ports):");
        var rules = await lab.MustRunAsync(ns, "nft", "list", "table", "inet", "f");
        Assert.Matches(@"udp counter packets [1-9]\d* bytes", rules.Stdout.Replace("meta l4proto ", "", StringComparison.Ordinal));
    }
}
