using System.Globalization;

namespace Weft.Tests;

/// <summary>
/// The files a test router namespace needs to run miniupnpd (NAT-PMP, PCP and UPnP IGD) over nftables: a table with
/// the chains miniupnpd fills and masquerade on the WAN, and a miniupnpd.conf that lets the LAN map ports 1024-65535.
/// Used by the port-mapping tests of the Platform (client) and the daemon.
/// </summary>
public static class MiniupnpdRouter
{
    /// <summary>Writes router.nft and miniupnpd.conf into <paramref name="directory"/>; returns their paths.</summary>
    public static (string Rules, string Config) WriteFiles(string directory, string wanInterface, string lanInterface, string lanCidr, string tag)
    {
        var rules = Path.Combine(directory, "router.nft");
        File.WriteAllText(rules, $$"""
            table inet weftupnp {
              chain forward { type filter hook forward priority 0; policy accept; jump forward_miniupnpd; }
              chain forward_miniupnpd { }
              chain prerouting { type nat hook prerouting priority -100; policy accept; jump prerouting_miniupnpd; }
              chain prerouting_miniupnpd { }
              chain postrouting { type nat hook postrouting priority 100; policy accept; jump postrouting_miniupnpd; oifname "{{wanInterface}}" masquerade; }
              chain postrouting_miniupnpd { }
            }
            """);

        // The UUID's last group: 12 hex digits made from the test's tag, so parallel routers differ.
        var node = ((ulong)(uint)StringComparer.Ordinal.GetHashCode(tag) << 16 | (uint)tag.Length).ToString("x12", CultureInfo.InvariantCulture)[^12..];
        var config = Path.Combine(directory, "miniupnpd.conf");
        File.WriteAllText(config, $"""
            ext_ifname={wanInterface}
            listening_ip={lanInterface}
            port=0
            enable_natpmp=yes
            enable_upnp=yes
            secure_mode=yes
            system_uptime=yes
            uuid=3f1e0b0c-5a5b-4c4d-9e9f-{node}
            upnp_table_name=weftupnp
            upnp_nat_table_name=weftupnp
            upnp_forward_chain=forward_miniupnpd
            upnp_nat_chain=prerouting_miniupnpd
            upnp_nat_postrouting_chain=postrouting_miniupnpd
            lease_file={Path.Combine(directory, "leases")}
            allow 1024-65535 {lanCidr} 1024-65535
            deny 0-65535 0.0.0.0/0 0-65535

            """);
        return (rules, config);
    }
}
