using System.Buffers.Binary;
using Weft.Core.Net;
using static Weft.Core.WireGuard.WireGuardMessages;

namespace Weft.Core.WireGuard;

/// <summary>The receive path: dispatch by type, transport data decrypted in place.</summary>
public sealed partial class WireGuardDevice
{
    /// <summary>
    /// Handles one datagram from <paramref name="source"/> (any thread). Transport messages are
    /// decrypted in place in <paramref name="datagram"/>. Bad datagrams are counted, never thrown.
    /// </summary>
    public void ReceiveDatagram(Span<byte> datagram, Endpoint source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (disposed)
        {
            return;
        }

        if (datagram.Length < 4)
        {
            Interlocked.Increment(ref Counters.datagramsTooShort);
            return;
        }

        switch (BinaryPrimitives.ReadUInt32LittleEndian(datagram))
        {
            case TypeTransport:
                ReceiveTransport(datagram, source);
                break;
            case TypeInitiation:
                ReceiveInitiation(datagram, source);
                break;
            case TypeResponse:
                ReceiveResponse(datagram, source);
                break;
            case TypeCookieReply:
                ReceiveCookieReply(datagram);
                break;
            default:
                Interlocked.Increment(ref Counters.unknownType);
                break;
        }
    }

    private void ReceiveTransport(Span<byte> datagram, Endpoint source)
    {
        if (datagram.Length < TransportMinimumSize)
        {
            Interlocked.Increment(ref Counters.datagramsTooShort);
            return;
        }

        var receiverIndex = BinaryPrimitives.ReadUInt32LittleEndian(datagram[TransportReceiverOffset..]);
        if (!indexes.TryGet(receiverIndex, out var entry) || entry.Keypair is not { } keypair || keypair.Retired)
        {
            Interlocked.Increment(ref Counters.unknownReceiverIndex);
            return;
        }

        var peer = entry.Peer;
        var now = Now;
        if (now - keypair.CreatedAt >= rejectAfterTime)
        {
            Interlocked.Increment(ref Counters.expiredKeypair);
            return;
        }

        var counter = BinaryPrimitives.ReadUInt64LittleEndian(datagram[TransportCounterOffset..]);
        var plaintext = datagram[TransportHeaderSize..^TagSize];
        if (!keypair.TryEnter())
        {
            Interlocked.Increment(ref Counters.unknownReceiverIndex);
            return;
        }

        bool opened;
        try
        {
            opened = keypair.ReceiveKey.TryOpen(counter, datagram[TransportHeaderSize..], plaintext);
        }
        finally
        {
            keypair.Exit();
        }

        if (!opened)
        {
            Interlocked.Increment(ref Counters.decryptFailures);
            return;
        }

        if (!keypair.TryAcceptReceiveCounter(counter))
        {
            Interlocked.Increment(ref Counters.replays);
            return;
        }

        // Authenticated from here on.
        if (ReferenceEquals(peer.NextKeypair, keypair) && ConfirmNextKeypair(peer, keypair))
        {
            SessionEstablished(peer, weInitiated: false);
        }

        UpdateEndpoint(peer, source);
        peer.AddRxBytes(datagram.Length);
        Interlocked.Increment(ref Counters.transportPacketsReceived);
        Volatile.Write(ref peer.NewHandshakeDeadline, WireGuardPeer.NotArmed);
        Volatile.Write(ref peer.LastTraversalAt, now);

        // The initiator starts the next handshake before its keys are refused.
        if (keypair.IsInitiator && !peer.SentLastMinuteHandshake && ReferenceEquals(peer.CurrentKeypair, keypair)
            && now - keypair.CreatedAt >= receiveRekeyAge)
        {
            peer.SentLastMinuteHandshake = true;
            InitiateHandshake(peer, isRetry: false);
        }

        if (plaintext.Length == 0)
        {
            Interlocked.Increment(ref Counters.keepalivesReceived);
            return;
        }

        var innerLength = TransportMessage.InnerLength(plaintext);
        if (innerLength <= 0)
        {
            Interlocked.Increment(ref Counters.badInnerLength);
            return;
        }

        if (Volatile.Read(ref peer.KeepaliveDeadline) == WireGuardPeer.NotArmed)
        {
            Interlocked.CompareExchange(ref peer.KeepaliveDeadline, now + keepaliveTimeout, WireGuardPeer.NotArmed);
        }

        events.OnPayload(peer, plaintext[..innerLength], source);
    }

    /// <summary>The first packet on the responder's "next" keypair makes it current.</summary>
    private bool ConfirmNextKeypair(WireGuardPeer peer, Keypair keypair)
    {
        lock (peer.Gate)
        {
            if (!ReferenceEquals(peer.NextKeypair, keypair))
            {
                return false;
            }

            RetireLocked(peer, peer.PreviousKeypair);
            peer.PreviousKeypair = peer.CurrentKeypair;
            peer.CurrentKeypair = keypair;
            peer.NextKeypair = null;
            peer.SentLastMinuteHandshake = false;

            // The session our own pending initiation was for exists now.
            if (peer.HandshakeRole == HandshakeRole.None)
            {
                peer.RetransmitDeadline = WireGuardPeer.NotArmed;
                peer.HandshakeAttempts = 0;
            }

            return true;
        }
    }
}
