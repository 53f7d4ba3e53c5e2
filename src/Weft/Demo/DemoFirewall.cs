namespace Weft.Demo;

/// <summary>
/// The nftables rule sets of the demo world, as <c>nft -f</c> scripts (each in its own table, in
/// its own namespace, so nothing outside the world is touched):
/// <list type="bullet">
/// <item>a home router: masquerade out of the WAN, forwarding open (a typical home gateway);</item>
/// <item>a NAT router: masquerade plus a stateful firewall that drops everything unsolicited
///   from the WAN, to the LAN behind it and to the router itself;</item>
/// <item>a host whose UDP is blocked both ways on its network interface.</item>
/// </list>
/// </summary>
internal static class DemoFirewall
{
    public const string Table = "weftdemo";

    /// <summary>Masquerade LAN traffic leaving through <paramref name="wan"/>; forward everything.</summary>
    public static string HomeRouter(string wan) => $$"""
        table ip {{Table}} {
            chain postrouting {
                type nat hook postrouting priority srcnat; policy accept;
                oifname "{{wan}}" masquerade
            }
        }
        """;

    /// <summary>Masquerade out of <paramref name="wan"/>; from the WAN only replies get in (stateful), to the LAN or the router.</summary>
    public static string NatRouter(string wan, string lan) => $$"""
        table inet {{Table}} {
            chain postrouting {
                type nat hook postrouting priority srcnat; policy accept;
                oifname "{{wan}}" meta nfproto ipv4 masquerade
            }
            chain forward {
                type filter hook forward priority filter; policy drop;
                ct state established,related accept
                iifname "{{lan}}" oifname "{{wan}}" accept
            }
            chain input {
                type filter hook input priority filter; policy drop;
                iifname "lo" accept
                ct state established,related accept
                iifname "{{lan}}" accept
                meta l4proto ipv6-icmp accept
            }
        }
        """;

    /// <summary>Drops every UDP datagram in or out of <paramref name="device"/> (TCP still works).</summary>
    public static string BlockUdp(string device) => $$"""
        table inet {{Table}} {
            chain input {
                type filter hook input priority filter; policy accept;
                iifname "{{device}}" meta l4proto udp counter drop
            }
            chain output {
                type filter hook output priority filter; policy accept;
                oifname "{{device}}" meta l4proto udp counter drop
            }
        }
        """;
}
