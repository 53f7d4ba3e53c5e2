using System.Net;
using Weft.Core.Net;
using Weft.Core.Paths;

namespace Weft.Core.Node;

/// <summary>
/// Stream transports as the node uses them: the UDP → TCP host:port → TLS host:443 fallback for
/// static peers (drawn in <see cref="StaticPeer"/>), background retries of the better transports,
/// stream connections as path candidates, and what happens when connections open, fail and close.
/// </summary>
/// <remarks>
/// Connections are opened only through the optional <see cref="IStreamConnector"/>; without one a
/// static peer is tried over UDP only. Results arrive on the connector's threads (IStreamHandler);
/// the decisions are made under the gate and the sends happen after it is released.
/// </remarks>
public sealed partial class MeshNode
{
    /// <summary>Unanswered UDP hellos for this long: try TCP (and TLS if TCP gets nowhere in the same time).</summary>
    private static readonly TimeSpan StreamFallbackAfter = TimeSpan.FromSeconds(1.5);

    /// <summary>A connection attempt that neither connected nor failed for this long counts as failed for the fallback.</summary>
    private static readonly TimeSpan StreamConnectPatience = TimeSpan.FromSeconds(3);

    /// <summary>A whole UDP/TCP/TLS round unanswered for this long starts a new one.</summary>
    private static readonly TimeSpan StreamRoundLength = TimeSpan.FromSeconds(15);

    /// <summary>While on TLS or a relay, TCP (and TLS from a relay) is retried this often.</summary>
    private static readonly TimeSpan StreamUpgradeInterval = TimeSpan.FromSeconds(20);

    /// <summary>Our own stream to a peer is closed when the session has used a UDP path this long.</summary>
    private static readonly TimeSpan UnusedStreamLinger = TimeSpan.FromSeconds(30);

    /// <summary>Port of the TLS fallback.</summary>
    private const int TlsPort = 443;

    // ---- guarded by gate ----
    private readonly List<(IPEndPoint Remote, TransportKind Kind, StaticPeer Peer)> pendingConnects = [];

    private void OnStreamConnectedCore(StreamConnection connection)
    {
        PathLog.StreamConnected(logger, connection, connection.Outbound);
        if (!connection.Outbound)
        {
            return;   // the peer speaks first (hello or WireGuard); its messages make it a candidate
        }

        StaticPeer? helloTo = null;
        lock (gate)
        {
            var index = pendingConnects.FindIndex(p => p.Kind == connection.Kind && SameAddress(p.Remote, connection.Remote));
            if (index < 0)
            {
                return;
            }

            var staticPeer = pendingConnects[index].Peer;
            pendingConnects.RemoveAt(index);
            staticPeer.Streams.Add(connection);
            if (!staticPeers.Contains(staticPeer))
            {
                helloTo = null;
            }
            else if (staticPeer.Answered && staticPeer.Peer is { Removed: false } known)
            {
                NotePathLocked(known, connection, PathSource.Stream);   // a background upgrade attempt: probe it
            }
            else
            {
                staticPeer.StageStartedAt = time.GetTimestamp();   // give the hello over it its own time
                helloTo = staticPeer;
            }
        }

        if (helloTo is not null)
        {
            SendHelloRequest(helloTo, connection);
        }
    }

    /// <summary>The connection is gone: it stops being a path; a static peer left without a working path says hello again.</summary>
    private void OnStreamClosedCore(StreamConnection connection)
    {
        PathLog.StreamClosed(logger, connection);
        var now = time.GetTimestamp();
        lock (gate)
        {
            foreach (var peer in peers)
            {
                if (peer.Paths.Find(connection) is not null || ReferenceEquals(peer.WireGuard.Endpoint, connection))
                {
                    RemovePathLocked(peer, connection);
                }
            }

            foreach (var staticPeer in staticPeers)
            {
                if (!staticPeer.Streams.Remove(connection) || !staticPeer.Answered || staticPeer.Peer is not { } peer)
                {
                    continue;
                }

                var working = false;
                foreach (var candidate in peer.Paths.Candidates)
                {
                    working |= now - candidate.LastProofAt <= pathTicks.Fresh;
                }

                if (!working)
                {
                    staticPeer.Answered = false;
                    staticPeer.Attempts = 0;
                    staticPeer.NextAttempt = now;
                }
            }
        }
    }

    private void OnStreamConnectFailedCore(IPEndPoint remote, TransportKind kind, string reason)
    {
        PathLog.StreamConnectFailed(logger, kind, remote, reason);
        StaticPeer? next = null;
        lock (gate)
        {
            var index = pendingConnects.FindIndex(p => p.Kind == kind && SameAddress(p.Remote, remote));
            if (index < 0)
            {
                return;
            }

            var staticPeer = pendingConnects[index].Peer;
            pendingConnects.RemoveAt(index);
            if (kind == TransportKind.Tcp && !staticPeer.Answered && staticPeer.Stage == StreamFallbackStage.Tcp && staticPeers.Contains(staticPeer))
            {
                next = staticPeer;   // TCP refused: TLS now rather than after the patience
                staticPeer.Stage = StreamFallbackStage.Tls;
                staticPeer.StageStartedAt = time.GetTimestamp();
            }
        }

        if (next is not null)
        {
            Connect(next, new IPEndPoint(next.Endpoint.Address, TlsPort), TransportKind.Tls);
        }
    }

    /// <summary>Per tick: advance each unanswered static peer's fallback; retry better transports for answered ones; close unneeded streams.</summary>
    private void TickStreamFallback()
    {
        if (streamConnector is null)
        {
            return;
        }

        var now = time.GetTimestamp();
        List<(StaticPeer Peer, IPEndPoint Remote, TransportKind Kind)>? connects = null;
        List<StreamConnection>? closes = null;
        lock (gate)
        {
            foreach (var staticPeer in staticPeers)
            {
                if (!staticPeer.Answered)
                {
                    AdvanceFallbackLocked(staticPeer, now, ref connects);
                }
                else if (staticPeer.Peer is { Removed: false } peer)
                {
                    RetryBetterTransportsLocked(staticPeer, peer, now, ref connects, ref closes);
                }
            }
        }

        if (connects is not null)
        {
            foreach (var (staticPeer, remote, kind) in connects)
            {
                Connect(staticPeer, remote, kind);
            }
        }

        if (closes is not null)
        {
            foreach (var stream in closes)
            {
                stream.Close();
            }
        }
    }

    private void AdvanceFallbackLocked(StaticPeer staticPeer, long now, ref List<(StaticPeer, IPEndPoint, TransportKind)>? connects)
    {
        if (staticPeer.Attempts == 0)
        {
            return;   // no hello in this round yet
        }

        var waited = now - staticPeer.StageStartedAt;
        switch (staticPeer.Stage)
        {
            case StreamFallbackStage.Udp when now - staticPeer.RoundStartedAt >= ToTimestamp(StreamFallbackAfter):
                staticPeer.Stage = StreamFallbackStage.Tcp;
                staticPeer.StageStartedAt = now;
                (connects ??= []).Add((staticPeer, staticPeer.Endpoint, TransportKind.Tcp));
                break;
            case StreamFallbackStage.Tcp when waited >= ToTimestamp(StreamConnectPatience):
                staticPeer.Stage = StreamFallbackStage.Tls;
                staticPeer.StageStartedAt = now;
                (connects ??= []).Add((staticPeer, new IPEndPoint(staticPeer.Endpoint.Address, TlsPort), TransportKind.Tls));
                break;
            case StreamFallbackStage.Tls when now - staticPeer.RoundStartedAt >= ToTimestamp(StreamRoundLength):
                staticPeer.Stage = StreamFallbackStage.Udp;   // a new round: UDP first again, then the streams
                staticPeer.RoundStartedAt = now;
                staticPeer.StageStartedAt = now;
                break;
        }
    }

    private void RetryBetterTransportsLocked(StaticPeer staticPeer, MeshPeer peer, long now,
                                             ref List<(StaticPeer, IPEndPoint, TransportKind)>? connects, ref List<StreamConnection>? closes)
    {
        var current = peer.WireGuard.Endpoint;
        var currentClass = current is null ? PathClass.Relay : PathClassifier.Classify(current, options.IsOnLink);
        if (currentClass <= PathClass.Udp)
        {
            // UDP works: our own streams to the peer are no longer needed once that has lasted.
            if (staticPeer.Streams.Count > 0 && now - peer.Paths.ChosenAt >= ToTimestamp(UnusedStreamLinger))
            {
                (closes ??= []).AddRange(staticPeer.Streams);
            }

            return;
        }

        if (now < staticPeer.NextUpgradeAttempt)
        {
            return;
        }

        staticPeer.NextUpgradeAttempt = now + ToTimestamp(StreamUpgradeInterval);
        var onTcp = current is StreamConnection { Kind: TransportKind.Tcp };
        var hasTcp = staticPeer.Streams.Exists(s => s.Kind == TransportKind.Tcp);
        if (!onTcp && !hasTcp)
        {
            (connects ??= []).Add((staticPeer, staticPeer.Endpoint, TransportKind.Tcp));
        }

        if (currentClass == PathClass.Relay && staticPeer.Streams.Count == 0)
        {
            (connects ??= []).Add((staticPeer, new IPEndPoint(staticPeer.Endpoint.Address, TlsPort), TransportKind.Tls));
        }
    }

    private void Connect(StaticPeer staticPeer, IPEndPoint remote, TransportKind kind)
    {
        if (streamConnector is null)
        {
            return;
        }

        lock (gate)
        {
            if (pendingConnects.Exists(p => p.Kind == kind && SameAddress(p.Remote, remote)))
            {
                return;   // one attempt at a time per address and transport
            }

            pendingConnects.Add((remote, kind, staticPeer));
        }

        NodeCounterSet.Add(ref counters.StreamConnectsStarted);
        streamConnector.Connect(remote, kind);
    }

    private static bool SameAddress(IPEndPoint a, IPEndPoint b)
    {
        if (a.Port != b.Port)
        {
            return false;
        }

        var x = a.Address.IsIPv4MappedToIPv6 ? a.Address.MapToIPv4() : a.Address;
        var y = b.Address.IsIPv4MappedToIPv6 ? b.Address.MapToIPv4() : b.Address;
        return x.Equals(y);
    }
}
