using Microsoft.Extensions.Logging;
using Weft.Core.Net;

namespace Weft.Core.WireGuard;

/// <summary>The device's log messages (source-generated, fixed event IDs 2100-2199).</summary>
internal static partial class WireGuardLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Debug, Message = "Peer {Peer}: handshake initiation sent to {Endpoint} (attempt {Attempt})")]
    public static partial void InitiationSent(ILogger logger, string peer, Endpoint? endpoint, int attempt);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Peer {Peer}: session established (we initiated: {WeInitiated})")]
    public static partial void SessionEstablished(ILogger logger, string peer, bool weInitiated);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Peer {Peer}: handshake given up after {Attempts} attempts")]
    public static partial void HandshakeGivenUp(ILogger logger, string peer, int attempts);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Debug, Message = "Cookie reply sent to {Endpoint} (under load)")]
    public static partial void CookieReplySent(ILogger logger, Endpoint endpoint);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Information, Message = "Peer {Peer}: added from an initiation by an unknown key")]
    public static partial void UnknownPeerAccepted(ILogger logger, string peer);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Debug, Message = "Peer {Peer}: keys erased after 3 x REJECT_AFTER_TIME")]
    public static partial void KeysZeroed(ILogger logger, string peer);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Debug, Message = "Peer {Peer}: endpoint moved to {Endpoint}")]
    public static partial void EndpointChanged(ILogger logger, string peer, Endpoint endpoint);

    [LoggerMessage(EventId = 2107, Level = LogLevel.Debug, Message = "Peer {Peer}: handshake response sent to {Endpoint}")]
    public static partial void ResponseSent(ILogger logger, string peer, Endpoint? endpoint);
}
