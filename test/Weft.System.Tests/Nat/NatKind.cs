namespace Weft.SystemTests.Nat;

/// <summary>
/// The kinds of router the NAT lab builds (nftables in a namespace, see <see cref="NatRouter"/>).
/// Each one behaves like a real home router of that sort; <see cref="NatTruth"/> says what it does and
/// <see cref="NatRouterBehaviourTests"/> proves it with plain tools before weft is tested behind it.
/// </summary>
public enum NatKind
{
    /// <summary>Masquerade + stateful firewall + a port forward of UDP WAN:51820 to the member (also hairpinned).</summary>
    FullCone,

    /// <summary>Masquerade + stateful firewall: plain Linux, endpoint-independent mapping, address+port-dependent filtering.</summary>
    Restricted,

    /// <summary><c>masquerade random</c> + the firewall: a new random port per destination (endpoint-dependent mapping).</summary>
    Symmetric,

    /// <summary>A carrier-grade NAT (masquerade + firewall) in front of a <see cref="Restricted"/> home router.</summary>
    Double,

    /// <summary>Masquerade only, no filter table at all: the router whose conntrack inbound packets can poison.</summary>
    Bare,

    /// <summary><see cref="Restricted"/> that drops every UDP packet forwarded from the LAN (TCP passes).</summary>
    UdpBlocked,

    /// <summary><see cref="Restricted"/> + miniupnpd (NAT-PMP, PCP and UPnP IGD on the LAN).</summary>
    Upnp,
}
