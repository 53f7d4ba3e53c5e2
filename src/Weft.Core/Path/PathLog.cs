using System.Net;
using Microsoft.Extensions.Logging;
using Weft.Core.Net;

namespace Weft.Core.Paths;

/// <summary>Log messages of path selection, probing and stream transports (source-generated, event IDs 2450-2499).</summary>
internal static partial class PathLog
{
    [LoggerMessage(EventId = 2450, Level = LogLevel.Debug, Message = "Stream {Endpoint} connected (outbound: {Outbound})")]
    public static partial void StreamConnected(ILogger logger, Endpoint endpoint, bool outbound);

    [LoggerMessage(EventId = 2451, Level = LogLevel.Debug, Message = "Stream {Endpoint} closed")]
    public static partial void StreamClosed(ILogger logger, Endpoint endpoint);

    [LoggerMessage(EventId = 2452, Level = LogLevel.Debug, Message = "Connecting {Kind} to {Remote} failed: {Reason}")]
    public static partial void StreamConnectFailed(ILogger logger, TransportKind kind, IPEndPoint remote, string reason);

    [LoggerMessage(EventId = 2453, Level = LogLevel.Information, Message = "Peer {Name}: path now {Path} (was {Previous})")]
    public static partial void PathChosen(ILogger logger, string name, object path, string previous);
}
