using Weft.Core.Offload;

namespace Weft.Platform;

/// <summary>
/// The write-batching half of <see cref="LinuxTunDevice"/>: a thread that delivers many packets in a row (the UDP
/// receive thread, after one recvmmsg) brackets them with <see cref="BeginBatch"/> / <see cref="EndBatch"/>; in
/// between, <see cref="Write"/> on that thread copies each packet into the thread's <see cref="GroCoalescer"/>, and
/// <see cref="EndBatch"/> writes the coalesced frames with one write(2) each.
/// </summary>
/// <remarks>
/// <para>State is per thread ([ThreadStatic]): other threads writing to the same device at the same time write at
/// once as usual. A thread batches one device at a time. Plain mode: both calls do nothing.</para>
/// </remarks>
public sealed partial class LinuxTunDevice
{
    [ThreadStatic]
    private static GroCoalescer? t_coalescer;

    [ThreadStatic]
    private static LinuxTunDevice? t_batchDevice;

    private long _coalescedWrites;
    private long _packetsCoalesced;

    /// <summary>Writes that carried a coalesced super-packet of two or more packets.</summary>
    public long CoalescedWrites => Interlocked.Read(ref _coalescedWrites);

    /// <summary>Packets that went into coalesced writes.</summary>
    public long PacketsCoalesced => Interlocked.Read(ref _packetsCoalesced);

    /// <summary>
    /// Starts a batch scope on the calling thread: until <see cref="EndBatch"/>, this thread's <see cref="Write"/>
    /// calls on this device are queued for coalescing. Does nothing in plain mode or when already in a scope for
    /// this device.
    /// </summary>
    /// <exception cref="InvalidOperationException">The thread is in a batch scope of another device (a bug).</exception>
    public void BeginBatch()
    {
        if (!OffloadsEnabled || ReferenceEquals(t_batchDevice, this))
        {
            return;
        }

        if (t_batchDevice is not null)
        {
            throw new InvalidOperationException($"this thread is already batching writes to TUN device '{t_batchDevice.Name}'");
        }

        t_coalescer ??= new GroCoalescer();
        t_batchDevice = this;
    }

    /// <summary>Ends the calling thread's batch scope: writes every queued packet, coalesced, one write(2) per frame.</summary>
    public void EndBatch()
    {
        if (!ReferenceEquals(t_batchDevice, this))
        {
            return;
        }

        t_batchDevice = null;
        t_coalescer!.Flush(_sink);
    }

    /// <summary>Writes one frame the coalescer emits (header + packet) and counts it.</summary>
    private void WriteFrame(ReadOnlySpan<byte> frame)
    {
        int packets = 1;
        var header = VirtioNetHeader.Read(frame);
        if (header.GsoType != VirtioNetHeader.GsoNone)
        {
            int payload = frame.Length - VirtioNetHeader.Size - header.HeaderLength;
            packets = (payload + header.GsoSize - 1) / header.GsoSize;
        }

        if (Volatile.Read(ref _disposed) != 0)
        {
            Interlocked.Increment(ref _writeErrors);
            return;
        }

        if (WriteSystemCall(frame, zeroHeader: false, packets) && packets > 1)
        {
            Interlocked.Increment(ref _coalescedWrites);
            Interlocked.Add(ref _packetsCoalesced, packets);
        }
    }

    /// <summary>Hands the coalescer's frames to <see cref="WriteFrame"/>; one per device, made at construction.</summary>
    private sealed class FrameSink(LinuxTunDevice device) : IGroSink
    {
        public void Emit(ReadOnlySpan<byte> frame) => device.WriteFrame(frame);
    }
}
