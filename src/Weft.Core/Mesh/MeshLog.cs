using Microsoft.Extensions.Logging;

namespace Weft.Core.Mesh;

/// <summary>The mesh routing log messages, source-generated, with fixed event ids 2300–2349.</summary>
internal static partial class MeshLog
{
    [LoggerMessage(EventId = 2300, Level = LogLevel.Information, Message = "Neighbours changed: {Count} ({Names})")]
    public static partial void NeighboursChanged(ILogger logger, int count, string names);

    [LoggerMessage(EventId = 2301, Level = LogLevel.Debug, Message = "Advert {Sequence} originated with {Count} neighbours")]
    public static partial void AdvertOriginated(ILogger logger, ulong sequence, int count);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Warning, Message = "Advert from peer {Peer} refused: {Verdict}")]
    public static partial void AdvertRefused(ILogger logger, string peer, AdvertVerdict verdict);

    [LoggerMessage(EventId = 2303, Level = LogLevel.Debug, Message = "Routes recomputed: {Reachable} reachable of {Known} known")]
    public static partial void RoutesComputed(ILogger logger, int reachable, int known);

    [LoggerMessage(EventId = 2304, Level = LogLevel.Information, Message = "Opening an end-to-end session to {Name} ({NodeId}) through the mesh")]
    public static partial void OnDemandSession(ILogger logger, string name, string nodeId);

    [LoggerMessage(EventId = 2305, Level = LogLevel.Debug, Message = "Relay envelope from {Peer} dropped: {Reason}")]
    public static partial void EnvelopeDropped(ILogger logger, string peer, string reason);
}
