using System.Net;
using Weft.SystemTests.Mesh;

namespace Weft.SystemTests.Nat;

/// <summary>A weft member of a <see cref="NatWorld"/> behind a site's router: the mesh member, its site and its LAN address.</summary>
public sealed record NatMember(MeshMember Member, NatSite Site, IPAddress LanAddress)
{
    public string Name => Member.Name;

    public override string ToString() => $"{Name} ({Site.Label}, {LanAddress})";
}
