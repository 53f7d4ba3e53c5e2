using Weft.Core.Node;
using Weft.LocalApi;

namespace Weft.Daemon;

/// <summary>
/// The mesh half of the local API: the topology from <see cref="MeshNode.GetMap"/> and mesh-level
/// pings through <see cref="MeshNode.PingAsync"/>. A target that resolves to no member is answered
/// with the known names closest to it (<see cref="NameSuggestions"/>).
/// </summary>
internal sealed partial class NodeApiBackend
{
    public MapReport GetMap() => Map(_node.GetMap());

    public async Task<PingOutcome> PingAsync(string target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var map = _node.GetMap();
        if (_node.ResolvePeer(target) is not { } nodeId)
        {
            return PingOutcome.UnknownTarget(NameSuggestions.UnknownTarget(target, KnownNames(map, _node.GetStatus())));
        }

        var reply = await _node.PingAsync(target, timeout).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (reply is null)
        {
            return PingOutcome.NoReply;
        }

        var id = nodeId.ToString();
        var node = map.Nodes.FirstOrDefault(n => string.Equals(n.NodeId, id, StringComparison.OrdinalIgnoreCase));
        var peer = node is null ? _node.GetStatus().Peers.FirstOrDefault(p => string.Equals(p.NodeId, id, StringComparison.OrdinalIgnoreCase)) : null;
        var name = node?.Name ?? peer?.Name ?? reply.Target;
        var address = node is not null ? node.Ipv4 ?? node.Ipv6 : peer?.Ipv4 ?? peer?.Ipv6;
        return PingOutcome.Replied(new PingReport(target, name, id, address, reply.Path, reply.RttMs));
    }

    /// <summary>The API's map from the node's: same content, the API's own stable shape.</summary>
    public static MapReport Map(MeshMap map)
    {
        var nodes = new List<MapNodeReport>(map.Nodes.Count);
        foreach (var n in map.Nodes)
        {
            nodes.Add(new MapNodeReport(n.NodeId, n.Name, n.Ipv4, n.Ipv6, n.Relay, n.Self));
        }

        var links = new List<MapLinkReport>(map.Links.Count);
        foreach (var l in map.Links)
        {
            links.Add(new MapLinkReport(l.From, l.To, l.CostMs));
        }

        return new MapReport(nodes, links);
    }

    private static IEnumerable<string> KnownNames(MeshMap map, NodeStatus status)
    {
        foreach (var node in map.Nodes)
        {
            if (!node.Self)
            {
                yield return node.Name;
            }
        }

        foreach (var peer in status.Peers)
        {
            if (peer.Verified)
            {
                yield return peer.Name;
            }
        }
    }
}
