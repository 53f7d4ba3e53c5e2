namespace Weft.Simulation;

/// <summary>
/// RFC 4787 section 4.1: when an inside endpoint sends to several outside endpoints, which of
/// them share one outside (mapped) endpoint.
/// </summary>
public enum NatMappingBehavior
{
    /// <summary>One mapping per inside endpoint, whatever the destination ("cone" NATs). RFC 4787 REQ-1.</summary>
    EndpointIndependent,

    /// <summary>One mapping per inside endpoint and destination address.</summary>
    AddressDependent,

    /// <summary>One mapping per inside endpoint and destination address and port ("symmetric" NATs).</summary>
    AddressAndPortDependent,
}
