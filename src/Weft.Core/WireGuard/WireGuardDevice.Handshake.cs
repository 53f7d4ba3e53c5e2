using System.Buffers.Binary;
using System.Security.Cryptography;
using Weft.Core.Crypto;
using Weft.Core.Net;
using static Weft.Core.WireGuard.WireGuardMessages;

namespace Weft.Core.WireGuard;

/// <summary>Handshake messages: sending initiations, answering them, consuming responses and cookie replies.</summary>
public sealed partial class WireGuardDevice
{
    /// <summary>
    /// Sends an initiation to <paramref name="peer"/>. A fresh attempt is skipped if one was sent
    /// less than REKEY_TIMEOUT ago; a retry counts attempts and gives up after REKEY_ATTEMPT_TIME.
    /// </summary>
    private void InitiateHandshake(WireGuardPeer peer, bool isRetry)
    {
        Span<byte> message = stackalloc byte[InitiationSize];
        var now = Now;
        InitiationOutcome outcome;
        Endpoint? endpoint;
        int attempt;
        lock (peer.Gate)
        {
            outcome = PrepareInitiationLocked(peer, isRetry, now, message);
            attempt = peer.HandshakeAttempts + 1;
            endpoint = peer.Endpoint;
        }

        if (outcome == InitiationOutcome.GaveUp)
        {
            Interlocked.Increment(ref Counters.handshakesGivenUp);
            WireGuardLog.HandshakeGivenUp(logger, peer.Name, attempt);
            return;
        }

        if (outcome != InitiationOutcome.Send)
        {
            return;
        }

        if (endpoint is null)
        {
            Interlocked.Increment(ref Counters.noEndpoint);
            return;
        }

        Volatile.Write(ref peer.KeepaliveDeadline, WireGuardPeer.NotArmed);
        Volatile.Write(ref peer.LastTraversalAt, now);
        transport.Send(message, endpoint);
        Interlocked.Increment(ref Counters.handshakeInitiationsSent);
        WireGuardLog.InitiationSent(logger, peer.Name, endpoint, attempt);
    }

    /// <summary>Builds the initiation (with macs) into <paramref name="message"/> and arms the retransmit timer. Call under the peer's Gate.</summary>
    private InitiationOutcome PrepareInitiationLocked(WireGuardPeer peer, bool isRetry, long now, Span<byte> message)
    {
        if (peer.Removed || disposed)
        {
            return InitiationOutcome.Skip;
        }

        if (!isRetry)
        {
            if (now - peer.LastHandshakeSentAt < rekeyTimeout)
            {
                return InitiationOutcome.Skip;
            }

            peer.HandshakeAttempts = 0;
        }
        else if (peer.HandshakeAttempts + 1 >= WireGuardProtocol.MaxHandshakeAttempts)
        {
            AbandonHandshakeLocked(peer);
            Interlocked.Add(ref Counters.queueDropsOnGiveUp, peer.Queue.Clear());
            if (peer.ZeroKeysDeadline == WireGuardPeer.NotArmed)
            {
                peer.ZeroKeysDeadline = now + zeroKeysAfter;
            }

            return InitiationOutcome.GaveUp;
        }
        else
        {
            peer.HandshakeAttempts++;
        }

        AbandonHandshakeLocked(peer);
        Span<byte> ephemeral = stackalloc byte[32];
        Span<byte> timestamp = stackalloc byte[Tai64N.Size];
        var entry = new IndexEntry(peer, null);
        var localIndex = indexes.Add(entry);
        NewEphemeral(ephemeral);
        NextTimestamp(timestamp);
        var created = NoiseHandshake.CreateInitiation(peer.Handshake, privateKey, publicKey, peer.PublicKeySpan, ephemeral, localIndex, timestamp, message);
        CryptographicOperations.ZeroMemory(ephemeral);
        if (!created)
        {
            // Only a peer key of low order can make the Diffie-Hellman fail.
            indexes.Remove(localIndex, entry);
            peer.Handshake.Clear();
            Interlocked.Increment(ref Counters.handshakeFailures);
            return InitiationOutcome.Skip;
        }

        peer.HandshakeEntry = entry;
        peer.HandshakeRole = HandshakeRole.InitiationSent;
        peer.Cookies.AddMacs(message, now);
        peer.LastHandshakeSentAt = now;
        peer.RetransmitDeadline = now + rekeyTimeout + Jitter();
        return InitiationOutcome.Send;
    }

    /// <summary>REKEY_TIMEOUT's random jitter: 0 to 333 ms.</summary>
    private long Jitter()
    {
        Span<byte> bytes = stackalloc byte[2];
        random.Fill(bytes);
        var ms = BinaryPrimitives.ReadUInt16LittleEndian(bytes) % ((int)WireGuardProtocol.RekeyTimeoutJitterMax.TotalMilliseconds + 1);
        return ToTimestamp(TimeSpan.FromMilliseconds(ms));
    }

    /// <summary>The mac layer shared by initiations and responses: false if the message must go no further.</summary>
    private bool PassesMacs(ReadOnlySpan<byte> message, uint senderIndex, Endpoint source)
    {
        if (!cookieChecker.CheckMac1(message))
        {
            Interlocked.Increment(ref Counters.badMac1);
            return false;
        }

        var loaded = loadMeter.Observe(Now) || underLoad;
        if (!loaded || cookieChecker.CheckMac2(message, source, Now))
        {
            return true;
        }

        Span<byte> reply = stackalloc byte[CookieReplySize];
        cookieChecker.CreateReply(message, senderIndex, source, Now, reply);
        transport.Send(reply, source);
        Interlocked.Increment(ref Counters.cookieRepliesSent);
        WireGuardLog.CookieReplySent(logger, source);
        return false;
    }

    private void ReceiveInitiation(ReadOnlySpan<byte> message, Endpoint source)
    {
        if (message.Length != InitiationSize)
        {
            Interlocked.Increment(ref Counters.invalidLength);
            return;
        }

        if (!PassesMacs(message, BinaryPrimitives.ReadUInt32LittleEndian(message[InitiationSenderOffset..]), source))
        {
            return;
        }

        var state = new HandshakeState();
        Span<byte> remoteStatic = stackalloc byte[32];
        Span<byte> timestamp = stackalloc byte[Tai64N.Size];
        Span<byte> response = stackalloc byte[ResponseSize];
        Span<byte> ephemeral = stackalloc byte[32];
        Span<byte> sendKey = stackalloc byte[32];
        Span<byte> receiveKey = stackalloc byte[32];
        var now = Now;
        WireGuardPeer? peer;
        try
        {
            if (!NoiseHandshake.TryConsumeInitiation(message, privateKey, publicKey, state, remoteStatic, timestamp))
            {
                Interlocked.Increment(ref Counters.handshakeFailures);
                return;
            }

            peer = FindPeer(remoteStatic);
            if (peer is null)
            {
                if (remoteStatic.SequenceEqual(publicKey) || !events.AcceptUnknownPeer(remoteStatic))
                {
                    Interlocked.Increment(ref Counters.unknownPeers);
                    return;
                }

                peer = AddPeer(remoteStatic);
                WireGuardLog.UnknownPeerAccepted(logger, peer.Name);
            }

            lock (peer.Gate)
            {
                if (peer.Removed)
                {
                    return;
                }

                if (timestamp.SequenceCompareTo(peer.LastReceivedTimestamp) <= 0)
                {
                    Interlocked.Increment(ref Counters.replayedInitiations);
                    return;
                }

                if (now - peer.LastInitiationConsumedAt < initiationMinimumInterval)
                {
                    Interlocked.Increment(ref Counters.floodedInitiations);
                    return;
                }

                timestamp.CopyTo(peer.LastReceivedTimestamp);
                peer.LastInitiationConsumedAt = now;

                // We answer, so any initiation of ours in flight is abandoned: the peer's wins. Its
                // retransmit timer stays armed, so that if both sides initiated at once and each
                // abandoned its own, the earlier retransmission (jittered) settles it; confirmation
                // of the keypair we make here disarms it.
                var retransmitDeadline = peer.RetransmitDeadline;
                AbandonHandshakeLocked(peer);
                peer.RetransmitDeadline = retransmitDeadline;
                var entry = new IndexEntry(peer, null);
                var localIndex = indexes.Add(entry);
                NewEphemeral(ephemeral);
                if (!NoiseHandshake.CreateResponse(state, remoteStatic, peer.PresharedKey, ephemeral, localIndex, response))
                {
                    indexes.Remove(localIndex, entry);
                    Interlocked.Increment(ref Counters.handshakeFailures);
                    return;
                }

                NoiseHandshake.DeriveTransportKeys(state, initiator: false, sendKey, receiveKey);
                var keypair = new Keypair(sendKey, receiveKey, isInitiator: false, localIndex, state.RemoteIndex, now);
                indexes.Replace(localIndex, new IndexEntry(peer, keypair));

                // The responder's keypair waits in "next" until the initiator's first transport message confirms it.
                RetireLocked(peer, peer.NextKeypair);
                peer.NextKeypair = keypair;
                RetireLocked(peer, peer.PreviousKeypair);
                peer.PreviousKeypair = null;
                peer.ZeroKeysDeadline = now + zeroKeysAfter;
                peer.SetLastHandshake(time.GetUtcNow());
                peer.Cookies.AddMacs(response, now);

                // Having just answered, we do not start a handshake of our own for REKEY_TIMEOUT
                // (sending before the initiator confirms would otherwise race it with a new one).
                peer.LastHandshakeSentAt = now;
                UpdateEndpoint(peer, source);
            }
        }
        finally
        {
            state.Clear();
            CryptographicOperations.ZeroMemory(ephemeral);
            CryptographicOperations.ZeroMemory(sendKey);
            CryptographicOperations.ZeroMemory(receiveKey);
        }

        Interlocked.Increment(ref Counters.handshakeInitiationsReceived);

        var endpoint = peer.Endpoint!;
        Volatile.Write(ref peer.KeepaliveDeadline, WireGuardPeer.NotArmed);
        Volatile.Write(ref peer.NewHandshakeDeadline, WireGuardPeer.NotArmed);
        Volatile.Write(ref peer.LastTraversalAt, now);
        transport.Send(response, endpoint);
        Interlocked.Increment(ref Counters.handshakeResponsesSent);
        WireGuardLog.ResponseSent(logger, peer.Name, endpoint);
    }

    private void ReceiveResponse(ReadOnlySpan<byte> message, Endpoint source)
    {
        if (message.Length != ResponseSize)
        {
            Interlocked.Increment(ref Counters.invalidLength);
            return;
        }

        if (!PassesMacs(message, BinaryPrimitives.ReadUInt32LittleEndian(message[ResponseSenderOffset..]), source))
        {
            return;
        }

        var receiverIndex = BinaryPrimitives.ReadUInt32LittleEndian(message[ResponseReceiverOffset..]);
        if (!indexes.TryGet(receiverIndex, out var entry) || entry.Keypair is not null)
        {
            Interlocked.Increment(ref Counters.unknownReceiverIndex);
            return;
        }

        var peer = entry.Peer;
        Span<byte> sendKey = stackalloc byte[32];
        Span<byte> receiveKey = stackalloc byte[32];
        var now = Now;
        lock (peer.Gate)
        {
            if (peer.Removed || peer.HandshakeRole != HandshakeRole.InitiationSent || !ReferenceEquals(peer.HandshakeEntry, entry))
            {
                Interlocked.Increment(ref Counters.unexpectedResponses);
                return;
            }

            var trial = new HandshakeState();
            peer.Handshake.CopyTo(trial);
            if (!NoiseHandshake.TryConsumeResponse(message, trial, privateKey, peer.PresharedKey))
            {
                trial.Clear();
                Interlocked.Increment(ref Counters.handshakeFailures);
                return;
            }

            NoiseHandshake.DeriveTransportKeys(trial, initiator: true, sendKey, receiveKey);
            var keypair = new Keypair(sendKey, receiveKey, isInitiator: true, receiverIndex, trial.RemoteIndex, now);
            trial.Clear();
            indexes.Replace(receiverIndex, new IndexEntry(peer, keypair));
            peer.HandshakeEntry = null;   // its index now names the keypair
            AbandonHandshakeLocked(peer);

            if (peer.NextKeypair is { } unconfirmed)
            {
                // An unconfirmed responder keypair becomes "previous" so late packets on it still decrypt.
                peer.NextKeypair = null;
                RetireLocked(peer, peer.PreviousKeypair);
                peer.PreviousKeypair = unconfirmed;
                RetireLocked(peer, peer.CurrentKeypair);
            }
            else
            {
                RetireLocked(peer, peer.PreviousKeypair);
                peer.PreviousKeypair = peer.CurrentKeypair;
            }

            peer.CurrentKeypair = keypair;
            peer.SentLastMinuteHandshake = false;
            peer.HandshakeAttempts = 0;
            peer.ZeroKeysDeadline = now + zeroKeysAfter;
            peer.SetLastHandshake(time.GetUtcNow());
            UpdateEndpoint(peer, source);
        }

        CryptographicOperations.ZeroMemory(sendKey);
        CryptographicOperations.ZeroMemory(receiveKey);
        Interlocked.Increment(ref Counters.handshakeResponsesReceived);
        Volatile.Write(ref peer.NewHandshakeDeadline, WireGuardPeer.NotArmed);
        Volatile.Write(ref peer.LastTraversalAt, now);
        SessionEstablished(peer, weInitiated: true);
    }

    private void ReceiveCookieReply(ReadOnlySpan<byte> message)
    {
        if (message.Length != CookieReplySize)
        {
            Interlocked.Increment(ref Counters.invalidLength);
            return;
        }

        var receiverIndex = BinaryPrimitives.ReadUInt32LittleEndian(message[CookieReplyReceiverOffset..]);
        if (!indexes.TryGet(receiverIndex, out var entry) || !entry.Peer.Cookies.TryConsumeCookieReply(message, Now))
        {
            Interlocked.Increment(ref Counters.badCookieReplies);
            return;
        }

        Interlocked.Increment(ref Counters.cookieRepliesReceived);
    }

    /// <summary>A keypair became usable: tell the layer above, then send what waited (or a keepalive to confirm).</summary>
    private void SessionEstablished(WireGuardPeer peer, bool weInitiated)
    {
        Interlocked.Increment(ref Counters.sessionsEstablished);
        WireGuardLog.SessionEstablished(logger, peer.Name, weInitiated);
        events.OnSessionEstablished(peer, weInitiated);
        var sent = FlushQueue(peer);
        if (weInitiated && sent == 0)
        {
            SendKeepalive(peer);
        }
    }
}
