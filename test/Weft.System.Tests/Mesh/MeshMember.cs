using System.Net;
using Weft.SystemTests.Lab;

namespace Weft.SystemTests.Mesh;

/// <summary>
/// One member of a <see cref="MeshLab"/> world: its weft node (namespace, state directory, daemon),
/// the name in its certificate, the underlay links it has to its neighbours, and — once it is up —
/// its mesh (overlay) addresses.
/// </summary>
public sealed class MeshMember
{
    private readonly List<(MeshMember Neighbour, IPAddress Ours, IPAddress Theirs, string Interface)> links = [];

    internal MeshMember(WeftNode node, string name)
    {
        Node = node;
        Name = name;
    }

    public WeftNode Node { get; }

    /// <summary>The node name in its certificate (what paths and maps show, e.g. "bravo").</summary>
    public string Name { get; }

    public string Namespace => Node.Namespace;

    /// <summary>The member's mesh IPv4, known once it is up.</summary>
    public string? MeshIpv4 { get; internal set; }

    /// <summary>The member's mesh IPv6, known once it is up.</summary>
    public string? MeshIpv6 { get; internal set; }

    /// <summary>The members this one shares an underlay link with.</summary>
    public IEnumerable<MeshMember> Neighbours => links.Select(l => l.Neighbour);

    /// <summary>"host:port" of every neighbour on the link shared with it: the <c>--peer</c> options of a neighbours-only start.</summary>
    public IEnumerable<string> NeighbourEndpoints => links.Select(l => WeftScenario.Endpoint(l.Theirs));

    /// <summary>This member's underlay IPv4 on the link to <paramref name="neighbour"/>.</summary>
    public IPAddress AddressTowards(MeshMember neighbour) => links.First(l => l.Neighbour == neighbour).Ours;

    /// <summary>This member's interface name on the link to <paramref name="neighbour"/>.</summary>
    public string InterfaceTowards(MeshMember neighbour) => links.First(l => l.Neighbour == neighbour).Interface;

    internal void AddLink(MeshMember neighbour, IPAddress ours, IPAddress theirs, string interfaceName) => links.Add((neighbour, ours, theirs, interfaceName));

    public override string ToString() => Name;
}
