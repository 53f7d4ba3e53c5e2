using System.Net;
using Microsoft.Extensions.Logging;

namespace Weft.Core.Node;

/// <summary>Log messages of LAN discovery and the peer cache (MeshNode.Discovery*.cs), event ids 2400–2419.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2400, Level = LogLevel.Debug, Message = "Beacon from {Source}: node {NodeId} of our CA, port {Port}; saying hello")]
    public static partial void BeaconHello(ILogger logger, IPEndPoint source, string nodeId, int port);

    [LoggerMessage(EventId = 2401, Level = LogLevel.Debug, Message = "Beacon from {Source} ignored: {Reason}")]
    public static partial void BeaconIgnored(ILogger logger, IPEndPoint source, string reason);

    [LoggerMessage(EventId = 2402, Level = LogLevel.Information, Message = "Peer cache: {Loaded} of {Total} cached peers added ({Rejected} refused)")]
    public static partial void PeerCacheLoaded(ILogger logger, int loaded, int total, int rejected);

    [LoggerMessage(EventId = 2403, Level = LogLevel.Debug, Message = "Peer cache: entry {Name} refused: {Reason}")]
    public static partial void CachedPeerRejected(ILogger logger, string name, string reason);

    [LoggerMessage(EventId = 2404, Level = LogLevel.Debug, Message = "Peer cache: {Name} at {Endpoint}, handshaking without hello")]
    public static partial void CachedPeerAdded(ILogger logger, string name, string endpoint);

    [LoggerMessage(EventId = 2405, Level = LogLevel.Debug, Message = "Peer cache saved: {Count} peers")]
    public static partial void PeerCacheSaved(ILogger logger, int count);
}
