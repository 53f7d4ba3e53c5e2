namespace Weft.SystemTests.Lab;

/// <summary>Two weft members on a veth link: A created the mesh (it holds the CA), B joined it.</summary>
public sealed record TwoMembers(VethLink Link, WeftNode A, WeftNode B, string AMeshIpv4, string AMeshIpv6, string BMeshIpv4, string BMeshIpv6);
