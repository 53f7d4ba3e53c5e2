using System.Diagnostics;
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
    private static readonly TimeSpan SessionPoll = TimeSpan.FromMilliseconds(50);

    public MapReport GetMap() => Map(_node.GetMap());

    public async Task<PingOutcome> PingAsync(string target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var map = _node.GetMap();
        if (_node.ResolvePeer(target) is not { } nodeId)
        {
            return PingOutcome.UnknownTarget(NameSuggestions.UnknownTarget(target, KnownNames(map, _node.GetStatus())));
        }

        var id = nodeId.ToString();
        var node = map.Nodes.FirstOrDefault(n => string.Equals(n.NodeId, id, StringComparison.OrdinalIgnoreCase));
        if (node is { Self: true })
        {
            return PingOutcome.UnknownTarget($"{target} is this node");
        }

        var started = Stopwatch.GetTimestamp();
        var woken = false;
        MeshPingReply? reply;
        while (true)
        {
            var left = timeout - Stopwatch.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                return PingOutcome.NoReply;
            }

            try
            {
                reply = await _node.PingAsync(id, left).WaitAsync(cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (ArgumentException) when (node is not null)
            {
                // Known from adverts but no session yet (a member reached only through relays): open
                // the end-to-end session through the mesh, then ping again once the node knows the peer.
                if (!woken)
                {
                    woken = true;
                    if (_node.TryOpenMeshSession(nodeId))
                    {
                        DaemonLog.SessionStartedForPing(_logger, node.Name, node.Ipv4 ?? node.Ipv6);
                    }
                }

                await Task.Delay(SessionPoll, cancellationToken).ConfigureAwait(false);
            }
            catch (ArgumentException e)
            {
                return PingOutcome.UnknownTarget(e.Message);
            }
        }

        if (reply is null)
        {
            return PingOutcome.NoReply;
        }

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
