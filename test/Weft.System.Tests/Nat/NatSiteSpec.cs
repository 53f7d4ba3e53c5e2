namespace Weft.SystemTests.Nat;

/// <summary>One site a <see cref="NatWorld"/> builds: the router kind and the names of the weft members on its LAN (192.168.N.2, .3, ...).</summary>
public sealed record NatSiteSpec(NatKind Kind, IReadOnlyList<string> Members);
