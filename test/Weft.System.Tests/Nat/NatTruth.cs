namespace Weft.SystemTests.Nat;

/// <summary>
/// What a router of each <see cref="NatKind"/> really does, as the lab's self-check measures it with
/// python3 probes (<see cref="NatRouterBehaviourTests"/>) and as <c>weft netcheck</c> must report it
/// (<see cref="NetcheckTests"/>): mapping behaviour, whether UDP gets out at all, whether unsolicited
/// inbound UDP reaches the LAN host, whether a packet to the router's own WAN address comes back
/// (hairpinning), whether a port-mapping protocol answers, and whether an inbound packet that arrives
/// before the host has sent changes the host's later mapping (conntrack poisoning).
/// <see cref="EndpointIndependentMapping"/> is null where no UDP gets out to measure it.
/// </summary>
public sealed record NatTruth(
    NatKind Kind,
    bool? EndpointIndependentMapping,
    bool Udp,
    bool UnsolicitedInbound,
    bool Hairpinning,
    bool PortMapping,
    bool Poisonable)
{
    /// <summary>The truth for <paramref name="kind"/>.</summary>
    public static NatTruth Of(NatKind kind) => kind switch
    {
        NatKind.FullCone => new(kind, EndpointIndependentMapping: true, Udp: true, UnsolicitedInbound: true, Hairpinning: true, PortMapping: false, Poisonable: false),
        NatKind.Restricted => new(kind, true, true, false, false, false, false),
        NatKind.Symmetric => new(kind, false, true, false, false, false, false),
        NatKind.Double => new(kind, true, true, false, false, false, false),
        NatKind.Bare => new(kind, true, true, false, false, false, Poisonable: true),
        NatKind.UdpBlocked => new(kind, null, Udp: false, false, false, false, false),
        NatKind.Upnp => new(kind, true, true, false, false, PortMapping: true, false),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a router kind"),
    };

    /// <summary>The kind's name in logs and the matrix: "fullcone", "restricted", "symmetric", "double", "bare", "udpblocked", "upnp".</summary>
    public static string Name(NatKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>The <c>mapping</c> value <c>weft netcheck --json</c> must print behind this kind of router.</summary>
    public string NetcheckMapping => EndpointIndependentMapping switch
    {
        true => "endpoint-independent",
        false => "endpoint-dependent",
        null => "unknown",
    };
}
