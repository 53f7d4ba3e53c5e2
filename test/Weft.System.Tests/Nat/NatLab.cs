using System.Globalization;
using System.Net;
using Weft.SystemTests.Lab;
using Xunit;

namespace Weft.SystemTests.Nat;

/// <summary>
/// The NAT lab on top of a <see cref="NetworkLab"/>: an "internet" that is a router namespace
/// (<c>inet</c>, forwarding on, no NAT, no filter) with one veth and one /24 per attached box, public
/// boxes (the relay, the witness) plugged straight into it, and home sites (<see cref="NatSite"/>)
/// behind routers of every <see cref="NatKind"/>. Packets between sites cross <c>inet</c> as a routed
/// hop, so a datagram sent with IP TTL 2 from behind one router dies in <c>inet</c>.
/// <code>
///   relay 203.0.113.1 ──┐                 ┌── 198.18.1.1 router 1 ── 192.168.1.0/24 hosts
/// witness 198.51.100.1 ─┤ inet (.254 each) ├── 198.18.2.1 router 2 ── 192.168.2.0/24 hosts
///                       └─ ...            └── ...
/// </code>
/// Only public-looking addresses face <c>inet</c> (weft classes RFC 1918 / ULA addresses as LAN);
/// nothing routes out of the lab's namespaces. The <see cref="NetworkLab"/> removes it all.
/// </summary>
public sealed class NatLab
{
    public const int WeftPort = 51820;

    public static readonly IPAddress RelayAddress = IPAddress.Parse("203.0.113.1");
    public static readonly IPAddress WitnessAddress = IPAddress.Parse("198.51.100.1");

    private readonly Dictionary<string, string> inetInterfaces = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> boxInterfaces = new(StringComparer.Ordinal);

    private NatLab(NetworkLab lab, string inet)
    {
        Lab = lab;
        Inet = inet;
    }

    public NetworkLab Lab { get; }

    /// <summary>The internet router's namespace.</summary>
    public string Inet { get; }

    /// <summary>Creates the internet router namespace (forwarding on).</summary>
    public static async Task<NatLab> CreateAsync(NetworkLab lab)
    {
        ArgumentNullException.ThrowIfNull(lab);
        var inet = await lab.CreateNamespaceAsync("inet: the internet, a plain router").ConfigureAwait(false);
        await lab.MustRunAsync(inet, "sysctl", "-qw", "net.ipv4.ip_forward=1").ConfigureAwait(false);
        return new NatLab(lab, inet);
    }

    /// <summary>Plugs a public box into inet: <paramref name="address"/>/24 on its side, .254 of that /24 on inet's, default route via inet.</summary>
    public async Task AttachPublicAsync(string ns, IPAddress address, string label)
    {
        ArgumentNullException.ThrowIfNull(address);
        Lab.Log($"{label}: {address}/24 on the internet (inet is .254)");
        var (boxIf, inetIf) = await VethAsync(ns, address, Inet, Gateway(address)).ConfigureAwait(false);
        await Lab.MustRunAsync(ns, "ip", "route", "add", "default", "via", Gateway(address).ToString()).ConfigureAwait(false);
        inetInterfaces[ns] = inetIf;
        boxInterfaces[ns] = boxIf;
    }

    /// <summary>inet's interface towards an attached box (public box or site edge), e.g. to shape it.</summary>
    public string InetInterfaceTowards(string ns) => inetInterfaces[ns];

    /// <summary>The attached box's own interface towards inet.</summary>
    public string InterfaceTowardsInet(string ns) => boxInterfaces[ns];

    /// <summary>
    /// Builds site <paramref name="number"/> of <paramref name="kind"/> for the given host namespaces
    /// (each gets 192.168.N.(2+i)/24 and a default route via the router): the router namespace, for a
    /// double NAT the CGNAT namespace too, the links, the nftables rules, and miniupnpd for upnp.
    /// </summary>
    public async Task<NatSite> AddSiteAsync(NatKind kind, int number, IReadOnlyList<string> hosts)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        var name = NatTruth.Name(kind);
        var router = await Lab.CreateNamespaceAsync($"{name} router, site {number}").ConfigureAwait(false);
        await Lab.MustRunAsync(router, "sysctl", "-qw", "net.ipv4.ip_forward=1").ConfigureAwait(false);
        string? cgnat = null;
        var wan = IPAddress.Parse(kind == NatKind.Upnp ? $"11.18.{number}.1" : $"198.18.{number}.1");
        string routerWanIf;
        if (kind == NatKind.Double)
        {
            cgnat = await Lab.CreateNamespaceAsync($"CGNAT in front of site {number}").ConfigureAwait(false);
            await Lab.MustRunAsync(cgnat, "sysctl", "-qw", "net.ipv4.ip_forward=1").ConfigureAwait(false);
            var (cgnatWanIf, inetIf) = await VethAsync(cgnat, wan, Inet, Gateway(wan)).ConfigureAwait(false);
            inetInterfaces[cgnat] = inetIf;
            boxInterfaces[cgnat] = cgnatWanIf;
            await Lab.MustRunAsync(cgnat, "ip", "route", "add", "default", "via", Gateway(wan).ToString()).ConfigureAwait(false);
            var cgnatLan = IPAddress.Parse($"100.64.{number}.1");
            var homeWan = IPAddress.Parse($"100.64.{number}.2");
            var (cgnatLanIf, homeWanIf) = await VethAsync(cgnat, cgnatLan, router, homeWan).ConfigureAwait(false);
            routerWanIf = homeWanIf;
            await Lab.MustRunAsync(router, "ip", "route", "add", "default", "via", cgnatLan.ToString()).ConfigureAwait(false);
            Lab.Log($"site {number}: CGNAT {wan} (WAN) / {cgnatLan} (carrier side), home router WAN {homeWan}; the CGNAT is a restricted NAT");
            await ApplyRulesAsync(cgnat, NatRouter.Rules(NatKind.Restricted, cgnatWanIf, cgnatLanIf, $"100.64.{number}.0/24", wan, homeWan)).ConfigureAwait(false);
        }
        else
        {
            var (wanIf, inetIf) = await VethAsync(router, wan, Inet, Gateway(wan)).ConfigureAwait(false);
            inetInterfaces[router] = inetIf;
            boxInterfaces[router] = wanIf;
            routerWanIf = wanIf;
            await Lab.MustRunAsync(router, "ip", "route", "add", "default", "via", Gateway(wan).ToString()).ConfigureAwait(false);
        }

        var lan = IPAddress.Parse($"192.168.{number}.1");
        var bridge = hosts.Count > 1 ? NetworkLab.UniqueName("br") : null;
        string routerLanIf;
        if (bridge is null)
        {
            (routerLanIf, _) = await VethAsync(router, lan, hosts[0], IPAddress.Parse($"192.168.{number}.2")).ConfigureAwait(false);
        }
        else
        {
            Lab.Log($"site {number}: the LAN is bridge {bridge} in the router namespace");
            await Lab.MustRunAsync(router, "ip", "link", "add", bridge, "type", "bridge").ConfigureAwait(false);
            await Lab.MustRunAsync(router, "ip", "addr", "add", $"{lan}/24", "dev", bridge).ConfigureAwait(false);
            await Lab.MustRunAsync(router, "ip", "link", "set", bridge, "up").ConfigureAwait(false);
            routerLanIf = bridge;
            for (var i = 0; i < hosts.Count; i++)
            {
                var hostIf = NetworkLab.UniqueName("h");
                var portIf = NetworkLab.UniqueName("p");
                await Lab.MustRunAsync(null, "ip", "link", "add", hostIf, "netns", hosts[i], "type", "veth", "peer", "name", portIf, "netns", router).ConfigureAwait(false);
                await Lab.MustRunAsync(router, "ip", "link", "set", portIf, "master", bridge, "up").ConfigureAwait(false);
                await Lab.MustRunAsync(hosts[i], "ip", "addr", "add", $"192.168.{number}.{2 + i}/24", "dev", hostIf).ConfigureAwait(false);
                await Lab.MustRunAsync(hosts[i], "ip", "link", "set", hostIf, "up").ConfigureAwait(false);
            }
        }

        foreach (var host in hosts)
        {
            await Lab.MustRunAsync(host, "ip", "route", "add", "default", "via", lan.ToString()).ConfigureAwait(false);
        }

        Lab.Log($"site {number}: {name} router, WAN {(kind == NatKind.Double ? "100.64." + number.ToString(CultureInfo.InvariantCulture) + ".2 (behind the CGNAT)" : wan.ToString())}, LAN 192.168.{number}.0/24 with {hosts.Count} host(s)");
        var site = new NatSite(kind, number, router, cgnat, wan, hosts, routerWanIf, routerLanIf);
        var homeKind = kind == NatKind.Double ? NatKind.Restricted : kind;
        await ApplyRulesAsync(router, NatRouter.Rules(homeKind, routerWanIf, routerLanIf, site.LanSubnet, kind == NatKind.Double ? IPAddress.Parse($"100.64.{number}.2") : wan, site.HostAddress(0))).ConfigureAwait(false);
        if (kind == NatKind.Upnp)
        {
            site.Miniupnpd = await StartMiniupnpdAsync(site).ConfigureAwait(false);
        }

        return site;
    }

    /// <summary>Drops, in inet, every UDP packet between the two sites' WAN subnets (both ways); <see cref="UnblockUdpAsync"/> removes it.</summary>
    public async Task BlockUdpBetweenAsync(NatSite a, NatSite b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        Lab.Log($"inet drops UDP between {a.WanSubnet} and {b.WanSubnet}");
        await Lab.MustRunAsync(new ExecRequest(Inet, ["nft", "-f", "-"])
        {
            Input = $$"""
                table inet weftblock {
                  chain forward { type filter hook forward priority filter; policy accept;
                    ip saddr {{a.WanSubnet}} ip daddr {{b.WanSubnet}} meta l4proto udp counter drop
                    ip saddr {{b.WanSubnet}} ip daddr {{a.WanSubnet}} meta l4proto udp counter drop
                  }
                }

                """,
        }).ConfigureAwait(false);
    }

    /// <summary>Removes the drop rule of <see cref="BlockUdpBetweenAsync"/> (its counters are logged first).</summary>
    public async Task UnblockUdpAsync()
    {
        await Lab.MustRunAsync(Inet, "nft", "list", "table", "inet", "weftblock").ConfigureAwait(false);
        await Lab.MustRunAsync(Inet, "nft", "delete", "table", "inet", "weftblock").ConfigureAwait(false);
    }

    /// <summary>Limits both directions of an attached box's link to <paramref name="rate"/> (tbf, e.g. "40mbit").</summary>
    public async Task LimitRateAsync(string ns, string rate)
    {
        Lab.Log($"{ns}'s link to inet is limited to {rate} both ways (tbf)");
        foreach (var (where, dev) in new[] { (ns, boxInterfaces[ns]), (Inet, inetInterfaces[ns]) })
        {
            await Lab.MustRunAsync(where, "tc", "qdisc", "add", "dev", dev, "root", "tbf", "rate", rate, "burst", "64kb", "latency", "50ms").ConfigureAwait(false);
        }
    }

    /// <summary>The address of inet (or the CGNAT) on the /24 of <paramref name="address"/>: x.y.z.254.</summary>
    public static IPAddress Gateway(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var b = address.GetAddressBytes();
        b[3] = 254;
        return new IPAddress(b);
    }

    private async Task<(string A, string B)> VethAsync(string nsA, IPAddress addressA, string nsB, IPAddress addressB)
    {
        var ifA = NetworkLab.UniqueName("x");
        var ifB = NetworkLab.UniqueName("y");
        await Lab.MustRunAsync(null, "ip", "link", "add", ifA, "netns", nsA, "type", "veth", "peer", "name", ifB, "netns", nsB).ConfigureAwait(false);
        await Lab.MustRunAsync(nsA, "ip", "addr", "add", $"{addressA}/24", "dev", ifA).ConfigureAwait(false);
        await Lab.MustRunAsync(nsB, "ip", "addr", "add", $"{addressB}/24", "dev", ifB).ConfigureAwait(false);
        await Lab.MustRunAsync(nsA, "ip", "link", "set", ifA, "up").ConfigureAwait(false);
        await Lab.MustRunAsync(nsB, "ip", "link", "set", ifB, "up").ConfigureAwait(false);
        return (ifA, ifB);
    }

    private Task ApplyRulesAsync(string ns, string rules) => Lab.MustRunAsync(new ExecRequest(ns, ["nft", "-f", "-"]) { Input = rules });

    private async Task<LabProcess> StartMiniupnpdAsync(NatSite site)
    {
        var directory = Lab.CreateTempDirectory($"miniupnpd-{site.Number}");
        var config = Path.Combine(directory, "miniupnpd.conf");
        await File.WriteAllTextAsync(config, NatRouter.MiniupnpdConfig(site.RouterWanInterface, site.RouterLanInterface, site.LanSubnet, site.Number, Path.Combine(directory, "leases"))).ConfigureAwait(false);
        var program = Weft.Tests.Requires.FindOnPath("miniupnpd") ?? "miniupnpd";
        var process = Lab.StartProcess(site.RouterNamespace, $"miniupnpd {site.Number}", [program, "-f", config, "-d", "-P", Path.Combine(directory, "pid")]);
        Assert.True(
            await process.WaitForLineAsync(l => l.Contains("Listening for NAT-PMP/PCP traffic", StringComparison.Ordinal), TimeSpan.FromSeconds(15)).ConfigureAwait(false),
            $"miniupnpd on site {site.Number} did not start:\n{process.Output}");
        return process;
    }
}
