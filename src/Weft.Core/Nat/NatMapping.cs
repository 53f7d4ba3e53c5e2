namespace Weft.Core.Nat;

/// <summary>
/// How this node's NAT maps its UDP socket toward different remote endpoints (RFC 4787 "mapping behaviour"),
/// as far as the members that answered our pings can tell.
/// </summary>
public enum NatMapping
{
    /// <summary>Not enough observations (fewer than two public members answered, or none at all).</summary>
    Unknown,

    /// <summary>No NAT: a member saw our ping come from one of our own addresses with our listen port.</summary>
    None,

    /// <summary>Every member saw the same address and port: one mapping for all destinations (easy to traverse).</summary>
    EndpointIndependent,

    /// <summary>Members saw different ports or addresses: a new mapping per destination ("symmetric", hard).</summary>
    EndpointDependent,
}
