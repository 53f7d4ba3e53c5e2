using System.Net;
using System.Text;

namespace Weft.SystemTests.Nat;

/// <summary>
/// The nftables ruleset of one lab router, by <see cref="NatKind"/>. Everything lives in one table,
/// <c>inet weftnat</c> (miniupnpd is told to use it too). The firewall is what a home router does:
/// replies and related packets pass, anything new from the WAN is dropped — in <c>input</c> as well,
/// so an early inbound packet is dropped before conntrack confirms it and never poisons the router.
/// <code>
///  kind        nat                                          filter (input + forward)
///  fullcone    masquerade; DNAT UDP WAN:51820 → host:51820   firewall, DNAT'ed flows accepted
///              (also from the LAN: hairpin, masqueraded)
///  restricted  masquerade                                   firewall
///  symmetric   masquerade random                            firewall
///  bare        masquerade                                   none at all
///  udpblocked  masquerade                                   firewall; UDP forwarded from the LAN dropped
///  upnp        masquerade + miniupnpd's chains              firewall + miniupnpd's forward chain
///  double      (restricted at home, restricted at the CGNAT)
/// </code>
/// </summary>
public static class NatRouter
{
    public const string Table = "weftnat";

    /// <summary>The ruleset for <c>nft -f -</c>.</summary>
    public static string Rules(NatKind kind, string wanInterface, string lanInterface, string lanSubnet, IPAddress wanAddress, IPAddress firstHost)
    {
        ArgumentNullException.ThrowIfNull(wanAddress);
        ArgumentNullException.ThrowIfNull(firstHost);
        var upnp = kind == NatKind.Upnp;
        var text = new StringBuilder();
        text.AppendLine($"table inet {Table} {{");
        text.AppendLine("  chain prerouting { type nat hook prerouting priority dstnat; policy accept;");
        if (upnp)
        {
            text.AppendLine("    jump prerouting_miniupnpd");
        }

        if (kind == NatKind.FullCone)
        {
            text.AppendLine($"    ip daddr {wanAddress} udp dport 51820 dnat ip to {firstHost}:51820");
        }

        text.AppendLine("  }");
        text.AppendLine("  chain postrouting { type nat hook postrouting priority srcnat; policy accept;");
        if (upnp)
        {
            text.AppendLine("    jump postrouting_miniupnpd");
        }

        if (kind == NatKind.FullCone)
        {
            text.AppendLine($"    ip saddr {lanSubnet} ip daddr {firstHost} udp dport 51820 ct status dnat masquerade");
        }

        text.AppendLine($"    oifname \"{wanInterface}\" masquerade{(kind == NatKind.Symmetric ? " random" : "")}");
        text.AppendLine("  }");
        if (kind != NatKind.Bare)
        {
            text.AppendLine("  chain input { type filter hook input priority filter; policy accept;");
            text.AppendLine("    ct state established,related accept");
            text.AppendLine($"    iifname \"{wanInterface}\" counter drop");
            text.AppendLine("  }");
            text.AppendLine("  chain forward { type filter hook forward priority filter; policy accept;");
            if (kind == NatKind.UdpBlocked)
            {
                text.AppendLine($"    iifname \"{lanInterface}\" meta l4proto udp counter drop");
            }

            text.AppendLine("    ct state established,related accept");
            if (kind == NatKind.FullCone)
            {
                text.AppendLine("    ct status dnat accept");
            }

            if (upnp)
            {
                text.AppendLine("    jump forward_miniupnpd");
            }

            text.AppendLine($"    iifname \"{wanInterface}\" counter drop");
            text.AppendLine("  }");
        }

        if (upnp)
        {
            text.AppendLine("  chain forward_miniupnpd { }");
            text.AppendLine("  chain prerouting_miniupnpd { }");
            text.AppendLine("  chain postrouting_miniupnpd { }");
        }

        text.AppendLine("}");
        return text.ToString();
    }

    /// <summary>miniupnpd.conf for a <see cref="NatKind.Upnp"/> router: NAT-PMP/PCP and UPnP IGD on the LAN, mappings for the LAN only, into <see cref="Table"/>.</summary>
    public static string MiniupnpdConfig(string wanInterface, string lanInterface, string lanSubnet, int number, string leaseFile) => $"""
        ext_ifname={wanInterface}
        listening_ip={lanInterface}
        port=0
        enable_natpmp=yes
        enable_upnp=yes
        secure_mode=yes
        system_uptime=yes
        uuid=3f1e0b0c-5a5b-4c4d-9e9f-{number:D12}
        upnp_table_name={Table}
        upnp_nat_table_name={Table}
        upnp_forward_chain=forward_miniupnpd
        upnp_nat_chain=prerouting_miniupnpd
        upnp_nat_postrouting_chain=postrouting_miniupnpd
        lease_file={leaseFile}
        allow 1024-65535 {lanSubnet} 1024-65535
        deny 0-65535 0.0.0.0/0 0-65535

        """;
}
