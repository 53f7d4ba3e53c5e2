using Weft.Core.Identity;

namespace Weft.Core.Mesh;

/// <summary>
/// A total order on <see cref="NodeId"/> (by its 16 wire bytes), so that everything the mesh
/// computes — tie-breaks in shortest paths, the order of neighbours in an advert — is the same on
/// every node and every run.
/// </summary>
public sealed class NodeIdOrder : IComparer<NodeId>
{
    public static readonly NodeIdOrder Instance = new();

    private NodeIdOrder()
    {
    }

    public int Compare(NodeId x, NodeId y)
    {
        Span<byte> a = stackalloc byte[NodeId.Size];
        Span<byte> b = stackalloc byte[NodeId.Size];
        x.WriteTo(a);
        y.WriteTo(b);
        return a.SequenceCompareTo(b);
    }
}
