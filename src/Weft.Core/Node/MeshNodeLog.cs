using System.Net;
using Microsoft.Extensions.Logging;
using Weft.Core.Net;

namespace Weft.Core.Node;

/// <summary>The mesh node's log messages, source-generated, with fixed event ids 2000–2099.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Saying hello to static peer {Endpoint}")]
    public static partial void StaticPeerAdded(ILogger logger, IPEndPoint endpoint);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "Hello to {Endpoint} unanswered; sent attempt {Attempt}, next in {Delay}")]
    public static partial void HelloRetry(ILogger logger, IPEndPoint endpoint, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Hello answered by {Name} ({NodeId}) at {Endpoint}; starting the handshake")]
    public static partial void HelloAnswered(ILogger logger, string name, string nodeId, Endpoint endpoint);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Debug, Message = "Hello request from {Endpoint} ignored: {Reason}")]
    public static partial void HelloIgnored(ILogger logger, Endpoint endpoint, string reason);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Debug, Message = "Hello request from member {Name} at {Endpoint} answered")]
    public static partial void HelloReplied(ILogger logger, string name, Endpoint endpoint);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Debug, Message = "Hello reply from {Endpoint} rejected: {Reason}")]
    public static partial void HelloReplyRejected(ILogger logger, Endpoint endpoint, string reason);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Debug, Message = "Session with {Name} established (we initiated: {WeInitiated})")]
    public static partial void SessionEstablished(ILogger logger, string name, bool weInitiated);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Information, Message = "Peer {Name} ({NodeId}) verified; certificate valid until {NotAfter:u}")]
    public static partial void CertificateVerified(ILogger logger, string name, string nodeId, DateTimeOffset notAfter);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "Certificate of peer {Name} ({NodeId}) refused: {Problem}")]
    public static partial void CertificateRejected(ILogger logger, string name, string nodeId, string problem);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Warning, Message = "Certificate of peer {Name} ({NodeId}) expired at {NotAfter:u}; its traffic is no longer accepted")]
    public static partial void PeerCertificateExpired(ILogger logger, string name, string nodeId, DateTimeOffset notAfter);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Warning, Message = "This node's certificate expires at {NotAfter:u} (in {Left}); renew it")]
    public static partial void OwnCertificateExpiring(ILogger logger, DateTimeOffset notAfter, TimeSpan left);

    [LoggerMessage(EventId = 2015, Level = LogLevel.Debug, Message = "Malformed control message from {Name} (type 0x{Type:x2}): {Reason}")]
    public static partial void ControlMessageMalformed(ILogger logger, string name, byte type, string reason);

    [LoggerMessage(EventId = 2020, Level = LogLevel.Information, Message = "WireGuard peer {Name} added with {Count} allowed IP range(s)")]
    public static partial void WireGuardPeerAdded(ILogger logger, string name, int count);

    [LoggerMessage(EventId = 2021, Level = LogLevel.Information, Message = "Unverified peer {Name} evicted: too many pending peers")]
    public static partial void PendingPeerEvicted(ILogger logger, string name);
}
