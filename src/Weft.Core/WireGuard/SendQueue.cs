using System.Buffers;

namespace Weft.Core.WireGuard;

/// <summary>
/// Packets waiting for a peer's session: a bounded ring (oldest dropped on overflow) of pooled
/// buffers, each holding the payload at <see cref="WireGuardDevice.HeadRoom"/> with
/// <see cref="WireGuardDevice.TailRoom"/> after it so it can be encrypted in place when sent.
/// </summary>
/// <remarks>Not thread-safe: guarded by the owning peer's <c>Gate</c>. The queue owns its buffers until drained.</remarks>
internal sealed class SendQueue
{
    private readonly QueuedPacket[] ring;
    private int head;
    private int count;

    public SendQueue(int capacity) => ring = new QueuedPacket[capacity];

    public int Count => count;

    public int Capacity => ring.Length;

    /// <summary>Copies <paramref name="payload"/> in; returns false if the oldest packet had to be dropped for it.</summary>
    public bool Enqueue(ReadOnlySpan<byte> payload)
    {
        var dropped = false;
        if (count == ring.Length)
        {
            ArrayPool<byte>.Shared.Return(ring[head].Buffer);
            ring[head] = default;
            head = (head + 1) % ring.Length;
            count--;
            dropped = true;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(WireGuardDevice.HeadRoom + payload.Length + WireGuardDevice.TailRoom);
        payload.CopyTo(buffer.AsSpan(WireGuardDevice.HeadRoom));
        ring[(head + count) % ring.Length] = new QueuedPacket(buffer, payload.Length);
        count++;
        return !dropped;
    }

    /// <summary>Moves every packet into <paramref name="destination"/> (capacity-sized); the caller now owns and returns the buffers.</summary>
    public int DrainTo(QueuedPacket[] destination)
    {
        var n = count;
        for (var i = 0; i < n; i++)
        {
            destination[i] = ring[(head + i) % ring.Length];
            ring[(head + i) % ring.Length] = default;
        }

        head = 0;
        count = 0;
        return n;
    }

    /// <summary>Drops everything, returning the buffers to the pool.</summary>
    public int Clear()
    {
        var n = count;
        for (var i = 0; i < n; i++)
        {
            ArrayPool<byte>.Shared.Return(ring[(head + i) % ring.Length].Buffer);
            ring[(head + i) % ring.Length] = default;
        }

        head = 0;
        count = 0;
        return n;
    }
}

/// <summary>A pooled buffer with a payload of <see cref="Length"/> bytes at <see cref="WireGuardDevice.HeadRoom"/>.</summary>
internal readonly record struct QueuedPacket(byte[] Buffer, int Length);
