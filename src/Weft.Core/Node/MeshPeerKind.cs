namespace Weft.Core.Node;

/// <summary>What a peer is to this node.</summary>
internal enum MeshPeerKind
{
    /// <summary>A mesh member: verified by its certificate (until then it shows as "pending").</summary>
    Member,

    /// <summary>A plain WireGuard peer from configuration: verified by that configuration, owns its allowed IPs.</summary>
    WireGuard,
}
