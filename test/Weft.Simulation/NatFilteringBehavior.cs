namespace Weft.Simulation;

/// <summary>
/// RFC 4787 section 5: which outside endpoints may send to a mapped endpoint (inbound) once the
/// inside endpoint has sent something out through it.
/// </summary>
public enum NatFilteringBehavior
{
    /// <summary>Anyone may send to the mapped endpoint ("full cone").</summary>
    EndpointIndependent,

    /// <summary>Only addresses the inside endpoint has sent to ("restricted cone").</summary>
    AddressDependent,

    /// <summary>Only address-and-port pairs the inside endpoint has sent to ("port-restricted cone", symmetric).</summary>
    AddressAndPortDependent,
}
