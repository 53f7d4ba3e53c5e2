namespace Weft.Core.WireGuard;

/// <summary>
/// What a <see cref="WireGuardDevice"/> did and why it dropped things: one counter per reason.
/// Incremented with Interlocked from any thread; read them at any time (each is individually atomic).
/// </summary>
public sealed class WireGuardCounters
{
    internal long datagramsTooShort;
    internal long unknownType;
    internal long invalidLength;
    internal long badMac1;
    internal long cookieRepliesSent;
    internal long cookieRepliesReceived;
    internal long badCookieReplies;
    internal long handshakeFailures;
    internal long unknownPeers;
    internal long replayedInitiations;
    internal long floodedInitiations;
    internal long unexpectedResponses;
    internal long unknownReceiverIndex;
    internal long expiredKeypair;
    internal long decryptFailures;
    internal long replays;
    internal long badInnerLength;
    internal long queueOverflows;
    internal long queueDropsOnGiveUp;
    internal long noEndpoint;
    internal long handshakeInitiationsSent;
    internal long handshakeInitiationsReceived;
    internal long handshakeResponsesSent;
    internal long handshakeResponsesReceived;
    internal long handshakesGivenUp;
    internal long sessionsEstablished;
    internal long keysZeroed;
    internal long transportPacketsSent;
    internal long transportPacketsReceived;
    internal long keepalivesSent;
    internal long keepalivesReceived;
    internal long endpointChanges;

    /// <summary>Count of datagrams too short to carry a message type.</summary>
    public long DatagramsTooShort => Volatile.Read(ref datagramsTooShort);

    /// <summary>Count of datagrams whose first four bytes are not a known message type.</summary>
    public long UnknownType => Volatile.Read(ref unknownType);

    /// <summary>Count of handshake or cookie messages of the wrong length.</summary>
    public long InvalidLength => Volatile.Read(ref invalidLength);

    /// <summary>Count of handshake messages with a wrong mac1.</summary>
    public long BadMac1 => Volatile.Read(ref badMac1);

    /// <summary>Count of cookie replies sent because we were under load and mac2 was missing or stale.</summary>
    public long CookieRepliesSent => Volatile.Read(ref cookieRepliesSent);

    /// <summary>Count of cookie replies accepted.</summary>
    public long CookieRepliesReceived => Volatile.Read(ref cookieRepliesReceived);

    /// <summary>Count of cookie replies that did not authenticate or named no handshake.</summary>
    public long BadCookieReplies => Volatile.Read(ref badCookieReplies);

    /// <summary>Count of handshake messages that failed to decrypt or whose Diffie-Hellman failed.</summary>
    public long HandshakeFailures => Volatile.Read(ref handshakeFailures);

    /// <summary>Count of initiations from static keys that are not peers and were not accepted.</summary>
    public long UnknownPeers => Volatile.Read(ref unknownPeers);

    /// <summary>Count of initiations whose timestamp is not newer than the peer's last one.</summary>
    public long ReplayedInitiations => Volatile.Read(ref replayedInitiations);

    /// <summary>Count of initiations dropped because the peer sent another one less than 50 ms earlier.</summary>
    public long FloodedInitiations => Volatile.Read(ref floodedInitiations);

    /// <summary>Count of responses that match no initiation we sent.</summary>
    public long UnexpectedResponses => Volatile.Read(ref unexpectedResponses);

    /// <summary>Count of transport messages or responses to an index we do not have.</summary>
    public long UnknownReceiverIndex => Volatile.Read(ref unknownReceiverIndex);

    /// <summary>Count of transport messages on keys older than REJECT_AFTER_TIME.</summary>
    public long ExpiredKeypair => Volatile.Read(ref expiredKeypair);

    /// <summary>Count of transport messages that failed authentication.</summary>
    public long DecryptFailures => Volatile.Read(ref decryptFailures);

    /// <summary>Count of transport messages with a counter already seen, too old, or beyond REJECT_AFTER_MESSAGES.</summary>
    public long Replays => Volatile.Read(ref replays);

    /// <summary>Count of decrypted IP packets whose header length exceeds the payload.</summary>
    public long BadInnerLength => Volatile.Read(ref badInnerLength);

    /// <summary>Count of packets dropped because a peer's wait queue was full (oldest dropped).</summary>
    public long QueueOverflows => Volatile.Read(ref queueOverflows);

    /// <summary>Count of queued packets dropped because the handshake was given up.</summary>
    public long QueueDropsOnGiveUp => Volatile.Read(ref queueDropsOnGiveUp);

    /// <summary>Count of messages that could not be sent because the peer has no endpoint.</summary>
    public long NoEndpoint => Volatile.Read(ref noEndpoint);

    /// <summary>Count of initiations sent (including retransmissions).</summary>
    public long HandshakeInitiationsSent => Volatile.Read(ref handshakeInitiationsSent);

    /// <summary>Count of initiations accepted.</summary>
    public long HandshakeInitiationsReceived => Volatile.Read(ref handshakeInitiationsReceived);

    /// <summary>Count of responses sent.</summary>
    public long HandshakeResponsesSent => Volatile.Read(ref handshakeResponsesSent);

    /// <summary>Count of responses accepted.</summary>
    public long HandshakeResponsesReceived => Volatile.Read(ref handshakeResponsesReceived);

    /// <summary>Count of handshakes given up after REKEY_ATTEMPT_TIME.</summary>
    public long HandshakesGivenUp => Volatile.Read(ref handshakesGivenUp);

    /// <summary>Count of keypairs that became usable for sending.</summary>
    public long SessionsEstablished => Volatile.Read(ref sessionsEstablished);

    /// <summary>Count of times a peer's keys were erased after 3 × REJECT_AFTER_TIME without a new handshake.</summary>
    public long KeysZeroed => Volatile.Read(ref keysZeroed);

    /// <summary>Count of transport messages sent (data and keepalive).</summary>
    public long TransportPacketsSent => Volatile.Read(ref transportPacketsSent);

    /// <summary>Count of transport messages accepted (data and keepalive).</summary>
    public long TransportPacketsReceived => Volatile.Read(ref transportPacketsReceived);

    /// <summary>Count of keepalives sent.</summary>
    public long KeepalivesSent => Volatile.Read(ref keepalivesSent);

    /// <summary>Count of keepalives received.</summary>
    public long KeepalivesReceived => Volatile.Read(ref keepalivesReceived);

    /// <summary>Count of times a peer's endpoint moved because an authenticated packet came from elsewhere.</summary>
    public long EndpointChanges => Volatile.Read(ref endpointChanges);
}
