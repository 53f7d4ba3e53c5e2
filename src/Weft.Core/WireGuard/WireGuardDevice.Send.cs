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

    /// <summary>
    /// Sends the packets in slots [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>) of
    /// <paramref name="batch"/> to <paramref name="peer"/>, in order: each is encrypted in place with consecutive nonces of
    /// the current keypair (each packet needs <see cref="HeadRoom"/> bytes free before it and <see cref="TailRoom"/> after
    /// it inside its slot), the batch's offsets and lengths are changed to the sealed messages, and the run goes to the
    /// transport as one <see cref="IEndpointSender.SendBatch"/> call. Without a usable session every packet is queued
    /// and a handshake starts, as <see cref="Send(WireGuardPeer, Span{byte}, int, int)"/> does. Allocation-free with a
    /// session.
    /// </summary>
    public void SendBatch(WireGuardPeer peer, PacketBatch batch, int first, int count)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first + count, batch.Count, nameof(count));
        if (disposed || !ReferenceEquals(peer.Device, this) || count == 0)
        {
            return;
        }

        for (var i = first; i < first + count; i++)
        {
            var inSlot = batch.Offsets[i] - batch.SlotStart(i);
            if (inSlot < HeadRoom || inSlot + batch.Lengths[i] + TailRoom > batch.SlotSize)
            {
                throw new ArgumentException($"packet {i} of the batch lacks head or tail room for in-place encryption", nameof(batch));
            }
        }

        var sent = TrySendTransportBatch(peer, batch, first, count);
        if (sent == count)
        {
            return;
        }

        // No usable session (or the keys ran out part way): the rest waits for the handshake, in order.
        for (var i = first + sent; i < first + count; i++)
        {
            if (batch.Lengths[i] > 0)
            {
                Enqueue(peer, batch.Packet(i));
            }
        }

        InitiateHandshake(peer, isRetry: false);
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

    /// <summary>
    /// The batch form of <see cref="TrySendTransport"/>: seals as many packets of the run as the current keypair allows,
    /// sends those in one transport call and returns how many that was (0 without a usable session).
    /// </summary>
    private int TrySendTransportBatch(WireGuardPeer peer, PacketBatch batch, int first, int count)
    {
        var keypair = peer.CurrentKeypair;
        var endpoint = peer.Endpoint;
        var now = Now;
        if (keypair is null || keypair.Retired || now - keypair.CreatedAt >= rejectAfterTime)
        {
            return 0;
        }

        if (endpoint is null)
        {
            Interlocked.Add(ref Counters.noEndpoint, count);
            return count;   // nowhere to send: dropped, not queued
        }

        if (!keypair.TryEnter())
        {
            return 0;
        }

        var sealedCount = 0;
        ulong counter = 0;
        long bytes = 0;
        var data = false;
        try
        {
            for (var i = first; i < first + count; i++)
            {
                if (!keypair.TryTakeSendCounter(out counter))
                {
                    break;
                }

                var offset = batch.Offsets[i];
                var length = batch.Lengths[i];
                data |= length > 0;
                var message = TransportMessage.Seal(keypair.SendKey, keypair.RemoteIndex, counter, batch.Buffer, offset, length);
                batch.Offsets[i] = offset - TransportHeaderSize;
                batch.Lengths[i] = message.Length;
                bytes += message.Length;
                sealedCount++;
            }

            if (sealedCount > 0)
            {
                transport.SendBatch(batch, first, sealedCount, endpoint);
                peer.AddTxBytes(bytes);
            }
        }
        finally
        {
            keypair.Exit();
        }

        if (sealedCount == 0)
        {
            return 0;
        }

        Interlocked.Add(ref Counters.transportPacketsSent, sealedCount);
        Volatile.Write(ref peer.KeepaliveDeadline, WireGuardPeer.NotArmed);
        Volatile.Write(ref peer.LastTraversalAt, now);
        if (data && Volatile.Read(ref peer.NewHandshakeDeadline) == WireGuardPeer.NotArmed)
        {
            Interlocked.CompareExchange(ref peer.NewHandshakeDeadline, now + keepaliveTimeout + rekeyTimeout, WireGuardPeer.NotArmed);
        }

        if (keypair.IsInitiator && (now - keypair.CreatedAt >= rekeyAfterTime || counter >= WireGuardProtocol.RekeyAfterMessages))
        {
            InitiateHandshake(peer, isRetry: false);
        }

        return sealedCount;
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
