using System.Buffers;
using Weft.Core.Net;
using static Weft.Core.WireGuard.WireGuardMessages;

namespace Weft.Core.WireGuard;

/// <summary>The send path: transport data in place, the wait queue, keepalives.</summary>
public sealed partial class WireGuardDevice
{
    /// <summary>
    /// Sends <paramref name="buffer"/>[offset, offset + length) to <paramref name="peer"/>, encrypting
    /// in place: <see cref="HeadRoom"/> bytes before the payload and <see cref="TailRoom"/> after it
    /// are overwritten. Without a usable session the payload is copied into the peer's bounded queue
    /// and a handshake starts. Length 0 sends a keepalive. Allocation-free with a session.
    /// </summary>
    public void Send(WireGuardPeer peer, Span<byte> buffer, int offset, int length)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentOutOfRangeException.ThrowIfLessThan(offset, HeadRoom);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + length + TailRoom, buffer.Length, nameof(length));
        if (disposed || !ReferenceEquals(peer.Device, this))
        {
            return;
        }

        if (!TrySendTransport(peer, buffer, offset, length) && length > 0)
        {
            Enqueue(peer, buffer.Slice(offset, length));
            InitiateHandshake(peer, isRetry: false);
        }
    }

    /// <summary>Copies <paramref name="payload"/> into a pooled buffer and sends it (for control messages).</summary>
    public void Send(WireGuardPeer peer, ReadOnlySpan<byte> payload)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(HeadRoom + payload.Length + TailRoom);
        try
        {
            payload.CopyTo(buffer.AsSpan(HeadRoom));
            Send(peer, buffer, HeadRoom, payload.Length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Encrypts <paramref name="payload"/> with the peer's current keypair and sends it to
    /// <paramref name="endpoint"/> instead of the peer's endpoint, which stays as it is (path probes
    /// and their answers). False if there is no usable session; nothing is queued then.
    /// </summary>
    internal bool SendTo(WireGuardPeer peer, ReadOnlySpan<byte> payload, Endpoint endpoint)
    {
        if (disposed || !ReferenceEquals(peer.Device, this) || payload.Length > 256)
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[HeadRoom + 256 + TailRoom];
        payload.CopyTo(buffer[HeadRoom..]);
        return TrySendTransport(peer, buffer, HeadRoom, payload.Length, endpoint);
    }

    /// <summary>Encrypts and sends with the current keypair (to <paramref name="destination"/>, or the peer's endpoint); false if there is no usable one.</summary>
    private bool TrySendTransport(WireGuardPeer peer, Span<byte> buffer, int offset, int length, Endpoint? destination = null)
    {
        var keypair = peer.CurrentKeypair;
        var endpoint = destination ?? peer.Endpoint;
        var now = Now;
        if (keypair is null || keypair.Retired || now - keypair.CreatedAt >= rejectAfterTime)
        {
            return false;
        }

        if (endpoint is null)
        {
            Interlocked.Increment(ref Counters.noEndpoint);
            return true;   // nowhere to send; a packet without a destination is dropped, not queued
        }

        if (!keypair.TryEnter())
        {
            return false;
        }

        ulong counter;
        try
        {
            if (!keypair.TryTakeSendCounter(out counter))
            {
                return false;
            }

            var message = TransportMessage.Seal(keypair.SendKey, keypair.RemoteIndex, counter, buffer, offset, length);
            transport.Send(message, endpoint);
            peer.AddTxBytes(message.Length);
        }
        finally
        {
            keypair.Exit();
        }

        Interlocked.Increment(ref Counters.transportPacketsSent);

        // Timers: any authenticated packet sent disarms the keepalive; data arms "expect an answer".
        Volatile.Write(ref peer.KeepaliveDeadline, WireGuardPeer.NotArmed);
        Volatile.Write(ref peer.LastTraversalAt, now);
        if (length > 0)
        {
            if (Volatile.Read(ref peer.NewHandshakeDeadline) == WireGuardPeer.NotArmed)
            {
                Interlocked.CompareExchange(ref peer.NewHandshakeDeadline, now + keepaliveTimeout + rekeyTimeout, WireGuardPeer.NotArmed);
            }
        }
        else
        {
            Interlocked.Increment(ref Counters.keepalivesSent);
        }

        // The initiator rekeys when its keys get old or worn.
        if (keypair.IsInitiator && (now - keypair.CreatedAt >= rekeyAfterTime || counter >= WireGuardProtocol.RekeyAfterMessages))
        {
            InitiateHandshake(peer, isRetry: false);
        }

        return true;
    }

    private void Enqueue(WireGuardPeer peer, ReadOnlySpan<byte> payload)
    {
        bool accepted;
        lock (peer.Gate)
        {
            if (peer.Removed)
            {
                return;
            }

            accepted = peer.Queue.Enqueue(payload);
        }

        if (!accepted)
        {
            Interlocked.Increment(ref Counters.queueOverflows);
        }
    }

    /// <summary>Sends the packets that waited for a session, in order; returns how many went out.</summary>
    private int FlushQueue(WireGuardPeer peer)
    {
        int n;
        QueuedPacket[] scratch;
        lock (peer.Gate)
        {
            scratch = peer.FlushScratch;
            n = peer.Queue.DrainTo(scratch);
        }

        var sent = 0;
        for (var i = 0; i < n; i++)
        {
            var packet = scratch[i];
            scratch[i] = default;
            if (TrySendTransport(peer, packet.Buffer, HeadRoom, packet.Length))
            {
                sent++;
            }
            else
            {
                Enqueue(peer, packet.Buffer.AsSpan(HeadRoom, packet.Length));
            }

            ArrayPool<byte>.Shared.Return(packet.Buffer);
        }

        return sent;
    }

    /// <summary>Sends an empty transport message, or starts a handshake if there is no session.</summary>
    private void SendKeepalive(WireGuardPeer peer)
    {
        Span<byte> buffer = stackalloc byte[HeadRoom + TailRoom];
        if (!TrySendTransport(peer, buffer, HeadRoom, 0))
        {
            InitiateHandshake(peer, isRetry: false);
        }
    }
}
