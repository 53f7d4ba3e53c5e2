using System.Net;
using Weft.SystemTests.Lab;

namespace Weft.SystemTests.Nat;

/// <summary>
/// One home network of the NAT lab: its router (and, for <see cref="NatKind.Double"/>, the carrier's
/// CGNAT router in front of it), the LAN behind it and the hosts on that LAN.
/// <code>
///  host 192.168.N.2 (.3 ...) ── LAN ── 192.168.N.1 router WAN 198.18.N.1 ── inet 198.18.N.254
///  double: router WAN 100.64.N.2 ── 100.64.N.1 CGNAT WAN 198.18.N.1 ── inet
///  upnp:   router WAN 11.18.N.1 ── inet 11.18.N.254 (miniupnpd refuses the reserved 198.18/15)
/// </code>
/// </summary>
public sealed class NatSite
{
    internal NatSite(NatKind kind, int number, string routerNamespace, string? cgnatNamespace, IPAddress wanAddress, IReadOnlyList<string> hosts, string routerWanInterface, string routerLanInterface)
    {
        Kind = kind;
        Number = number;
        RouterNamespace = routerNamespace;
        CgnatNamespace = cgnatNamespace;
        WanAddress = wanAddress;
        Hosts = hosts;
        RouterWanInterface = routerWanInterface;
        RouterLanInterface = routerLanInterface;
    }

    public NatKind Kind { get; }

    /// <summary>N in the site's addresses (192.168.N.0/24, 198.18.N.1).</summary>
    public int Number { get; }

    /// <summary>"restricted (site 3)" for logs.</summary>
    public string Label => $"{NatTruth.Name(Kind)} (site {Number})";

    public string RouterNamespace { get; }

    /// <summary>The carrier's router for <see cref="NatKind.Double"/>; null otherwise.</summary>
    public string? CgnatNamespace { get; }

    /// <summary>The namespace whose WAN faces the internet router (the CGNAT for a double NAT, else the router).</summary>
    public string EdgeNamespace => CgnatNamespace ?? RouterNamespace;

    /// <summary>The public address everything behind this site is seen from: the router's (or the CGNAT's) WAN address.</summary>
    public IPAddress WanAddress { get; }

    /// <summary>The /24 the edge router's WAN is on, e.g. "198.18.3.0/24".</summary>
    public string WanSubnet => Subnet(WanAddress);

    /// <summary>The home router's WAN interface (towards the CGNAT for a double NAT).</summary>
    public string RouterWanInterface { get; }

    public string RouterLanInterface { get; }

    /// <summary>The hosts' namespaces; host i has <see cref="HostAddress"/>(i).</summary>
    public IReadOnlyList<string> Hosts { get; }

    /// <summary>192.168.N.1: the home router on the LAN (the default gateway, where miniupnpd listens).</summary>
    public IPAddress RouterLanAddress => IPAddress.Parse($"192.168.{Number}.1");

    public string LanSubnet => $"192.168.{Number}.0/24";

    /// <summary>miniupnpd on the router of a <see cref="NatKind.Upnp"/> site; null otherwise.</summary>
    public LabProcess? Miniupnpd { get; internal set; }

    /// <summary>The LAN address of host <paramref name="index"/>: 192.168.N.(2 + index).</summary>
    public IPAddress HostAddress(int index) => IPAddress.Parse($"192.168.{Number}.{2 + index}");

    public override string ToString() => Label;

    internal static string Subnet(IPAddress address)
    {
        var b = address.GetAddressBytes();
        return $"{b[0]}.{b[1]}.{b[2]}.0/24";
    }
}
