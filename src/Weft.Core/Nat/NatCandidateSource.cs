namespace Weft.Core.Nat;

/// <summary>Where an endpoint candidate offered in call me maybe comes from.</summary>
public enum NatCandidateSource : byte
{
    /// <summary>One of the host's own addresses with its listen port (reaches peers behind the same NAT).</summary>
    Local = 0,

    /// <summary>Our endpoint as a member with a public address saw it (outside our NAT).</summary>
    Reflexive = 1,

    /// <summary>A port mapping held on our router (NAT-PMP, PCP or UPnP IGD).</summary>
    Mapped = 2,
}
