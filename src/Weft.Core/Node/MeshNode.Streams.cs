using System.Net;
using Weft.Core.Net;
using Weft.Core.Paths;

namespace Weft.Core.Node;

/// <summary>Stream connection events: what the node does when TCP/TLS connections come and go.</summary>
public sealed partial class MeshNode
{
    private void OnStreamConnectedCore(StreamConnection connection)
    {
        PathLog.StreamConnected(logger, connection, connection.Outbound);
    }

    /// <summary>Peers whose endpoint was this connection stop sending into it.</summary>
    private void OnStreamClosedCore(StreamConnection connection)
    {
        PathLog.StreamClosed(logger, connection);
        foreach (var wireGuardPeer in device.Peers)
        {
            if (ReferenceEquals(wireGuardPeer.Endpoint, connection))
            {
                wireGuardPeer.Endpoint = null;
            }
        }
    }

    private void OnStreamConnectFailedCore(IPEndPoint remote, TransportKind kind, string reason)
    {
        PathLog.StreamConnectFailed(logger, kind, remote, reason);
    }
}
