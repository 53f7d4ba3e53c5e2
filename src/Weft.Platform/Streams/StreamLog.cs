using System.Net;
using Microsoft.Extensions.Logging;

namespace Weft.Platform.Streams;

/// <summary>Log lines of the TCP/TLS transport (event IDs 3000–3019).</summary>
internal static partial class StreamLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Listening on TCP port {Port}")]
    public static partial void ListeningTcp(ILogger logger, int port);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Listening on TLS port {Port}")]
    public static partial void ListeningTls(ILogger logger, int port);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Cannot listen on TLS port {Port} ({Reason}); continuing without TLS")]
    public static partial void TlsPortUnavailable(ILogger logger, int port, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "Connection {Connection} open ({Direction})")]
    public static partial void ConnectionOpen(ILogger logger, string connection, string direction);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Debug, Message = "Connection {Connection} closed: {Reason}")]
    public static partial void ConnectionClosed(ILogger logger, string connection, string reason);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Debug, Message = "Connecting over {Kind} to {Remote} failed: {Reason}")]
    public static partial void ConnectFailed(ILogger logger, string kind, IPEndPoint remote, string reason);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Debug, Message = "Inbound {Kind} connection from {Remote} dropped: {Reason}")]
    public static partial void InboundRejected(ILogger logger, string kind, IPEndPoint remote, string reason);
}
