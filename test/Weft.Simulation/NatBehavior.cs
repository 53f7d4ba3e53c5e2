namespace Weft.Simulation;

/// <summary>
/// How a <see cref="NatRouter"/> behaves, in RFC 4787 terms: mapping, filtering, port assignment,
/// mapping refresh and timeout, hairpinning; or a plain stateful firewall, or UDP blocked.
/// Immutable; the presets name the classic NAT types, and <c>with</c> makes variants
/// (<c>NatBehavior.PortRestrictedCone with { Hairpinning = false }</c>).
/// </summary>
public sealed record NatBehavior
{
    /// <summary>Endpoint-independent mapping and filtering: anyone may send to a mapping.</summary>
    public static NatBehavior FullCone { get; } = new() { Filtering = NatFilteringBehavior.EndpointIndependent };

    /// <summary>Endpoint-independent mapping, address-dependent filtering.</summary>
    public static NatBehavior RestrictedCone { get; } = new() { Filtering = NatFilteringBehavior.AddressDependent };

    /// <summary>Endpoint-independent mapping, address-and-port-dependent filtering: the common home router ("easy NAT").</summary>
    public static NatBehavior PortRestrictedCone { get; } = new();

    /// <summary>Address-and-port-dependent mapping and filtering, random ports, no port preservation ("hard NAT").</summary>
    public static NatBehavior Symmetric { get; } = new()
    {
        Mapping = NatMappingBehavior.AddressAndPortDependent,
        PortPreservation = false,
        RandomPortAllocation = true,
    };

    /// <summary>No translation; a stateful firewall with address-and-port-dependent filtering.</summary>
    public static NatBehavior Firewall { get; } = new() { Mode = NatMode.FirewallOnly };

    /// <summary>No UDP passes in either direction.</summary>
    public static NatBehavior UdpBlocked { get; } = new() { Mode = NatMode.UdpBlocked };

    public NatMode Mode { get; init; } = NatMode.Translate;

    public NatMappingBehavior Mapping { get; init; } = NatMappingBehavior.EndpointIndependent;

    public NatFilteringBehavior Filtering { get; init; } = NatFilteringBehavior.AddressAndPortDependent;

    /// <summary>Use the inside port as the outside port when it is free (RFC 4787 section 4.2.1).</summary>
    public bool PortPreservation { get; init; } = true;

    /// <summary>Pick outside ports at random rather than sequentially (when not preserving).</summary>
    public bool RandomPortAllocation { get; init; }

    /// <summary>Lowest outside port the NAT assigns; assignments use [PortRangeStart, 65535].</summary>
    public int PortRangeStart { get; init; } = 1024;

    /// <summary>
    /// A mapping (and each filter permission) expires this long after the last outbound datagram
    /// that used it (RFC 4787 REQ-5 asks for at least 2 minutes; many real NATs use 30 s).
    /// </summary>
    public TimeSpan MappingTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Whether inbound datagrams also refresh the mapping (RFC 4787 REQ-6: outbound must, inbound may).</summary>
    public bool InboundRefresh { get; init; }

    /// <summary>Whether an inside host can reach another inside host through the NAT's outside address (RFC 4787 REQ-9).</summary>
    public bool Hairpinning { get; init; } = true;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MappingTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(PortRangeStart, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(PortRangeStart, 65535);
    }
}
