using Weft.Core.Net;
using Weft.Core.Offload;
using Weft.Platform.Linux;

namespace Weft.Platform;

/// <summary>
/// The offload half of <see cref="LinuxTunDevice"/>: setting up IFF_VNET_HDR and TUNSETOFFLOAD, reading frames
/// (virtio-net header + packet, maybe a 64 KB super-packet) and segmenting them into a <see cref="PacketBatch"/>.
/// </summary>
/// <remarks>
/// <code>
///  ReadBatch(batch):  until the batch is full or the device has nothing more right now:
///    pending frame? ──no──► read(2) into _frame (block only while nothing was added to the batch yet)
///    GsoSegmenter.Segment(_frame, batch, ref _cursor)
///      Complete  ──► next frame          BatchFull ──► return; the rest goes into the next batch
///      malformed ──► count (MalformedFrames), drop, next frame
/// </code>
/// <para>Owner of <c>_frame</c>, <c>_pendingLength</c>, <c>_cursor</c>, <c>_single</c>: the one reader thread.</para>
/// </remarks>
public sealed partial class LinuxTunDevice
{
    /// <summary>What <see cref="Create(string, int, bool)"/> asks for: checksum, TSO for IPv4 and IPv6, USO for both.</summary>
    internal const uint DefaultOffloadFlags =
        Interop.TunOffload.Csum | Interop.TunOffload.Tso4 | Interop.TunOffload.Tso6 | Interop.TunOffload.Uso4 | Interop.TunOffload.Uso6;

    /// <summary>The buffer <see cref="ReadVirtio"/> needs in offload mode: a header and the largest IP packet.</summary>
    public const int VirtioReadSize = VirtioNetHeader.Size + 65535;

    private readonly uint _offloadFlags;
    private readonly FrameSink _sink;

    // Reader-thread state (see the remarks).
    private byte[]? _frame;
    private int _pendingLength;
    private int _cursor;
    private PacketBatch? _single;

    private long _superPacketsRead;
    private long _segmentsProduced;
    private long _malformedFrames;

    /// <summary>True when the kernel accepted IFF_VNET_HDR and TUNSETOFFLOAD: reads may be super-packets, writes may be coalesced.</summary>
    public bool OffloadsEnabled => _offloadFlags != 0;

    /// <summary>True when the kernel also accepted UDP segmentation offload (USO4/USO6, Linux 6.2+).</summary>
    public bool UdpSegmentationOffload => (_offloadFlags & (Interop.TunOffload.Uso4 | Interop.TunOffload.Uso6)) != 0;

    /// <summary>True while the last super-packet read has segments that did not fit in the caller's batch.</summary>
    public bool HasPendingSegments => _pendingLength != 0;

    /// <summary>Which offloads are on, or why the device is in plain mode.</summary>
    public string OffloadStatus { get; }

    /// <summary>Frames read whose virtio-net header made them a GSO super-packet.</summary>
    public long SuperPacketsRead => Interlocked.Read(ref _superPacketsRead);

    /// <summary>Packets cut out of super-packets by <see cref="ReadBatch"/> and <see cref="Read"/>.</summary>
    public long SegmentsProduced => Interlocked.Read(ref _segmentsProduced);

    /// <summary>Frames from the kernel that could not be segmented (counted and dropped).</summary>
    public long MalformedFrames => Interlocked.Read(ref _malformedFrames);

    /// <summary>
    /// Blocks until the kernel has a packet and reads it with its virtio-net header in front: returns the frame
    /// length (10 + packet), or 0 once disposed. Offload mode: <paramref name="buffer"/> must hold
    /// <see cref="VirtioReadSize"/> bytes; the packet may be a super-packet (segment it with <see cref="GsoSegmenter"/>).
    /// Plain mode: a zero header is put in front of the one packet read, so callers can use one code path.
    /// </summary>
    /// <exception cref="ArgumentException">The buffer is too small.</exception>
    /// <exception cref="IOException">The device failed.</exception>
    public int ReadVirtio(Span<byte> buffer)
    {
        if (OffloadsEnabled)
        {
            if (buffer.Length < VirtioReadSize)
            {
                throw new ArgumentException($"ReadVirtio needs {VirtioReadSize} bytes in offload mode", nameof(buffer));
            }

            while (true)
            {
                int n = ReadRaw(buffer, wait: true);
                if (n == 0)
                {
                    return 0;
                }

                if (n < VirtioNetHeader.Size)
                {
                    Interlocked.Increment(ref _malformedFrames);
                    continue;
                }

                CountFrame(buffer[1]);
                return n;
            }
        }

        if (buffer.Length <= VirtioNetHeader.Size)
        {
            throw new ArgumentException($"ReadVirtio needs more than {VirtioNetHeader.Size} bytes", nameof(buffer));
        }

        int read = ReadRaw(buffer[VirtioNetHeader.Size..], wait: true);
        if (read == 0)
        {
            return 0;
        }

        buffer[..VirtioNetHeader.Size].Clear();
        Interlocked.Increment(ref _packetsRead);
        return VirtioNetHeader.Size + read;
    }

    /// <summary>
    /// Fills <paramref name="batch"/> from slot <see cref="PacketBatch.Count"/> on with IP packets from the device,
    /// each at <paramref name="headRoom"/> in its slot with at least <paramref name="tailRoom"/> free after it. Blocks
    /// until at least one packet is there (unless <paramref name="wait"/> is false), then takes what else is ready
    /// without waiting, until the batch is full. Super-packets are segmented (a remainder that does not fit waits for
    /// the next call: see <see cref="HasPendingSegments"/>). Returns the number of packets added: 0 once disposed, or
    /// (without waiting) when nothing was ready. One reader at a time: callers on several threads hold a lock.
    /// </summary>
    /// <exception cref="ArgumentException">The batch is full, or a slot cannot hold an MTU-size packet with the rooms.</exception>
    /// <exception cref="IOException">The device failed.</exception>
    public int ReadBatch(PacketBatch batch, int headRoom, int tailRoom, bool wait = true)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfNegative(headRoom);
        ArgumentOutOfRangeException.ThrowIfNegative(tailRoom);
        if (batch.IsFull)
        {
            throw new ArgumentException("the batch is full", nameof(batch));
        }

        if (batch.SlotSize - headRoom - tailRoom < Mtu)
        {
            throw new ArgumentException($"a slot of {batch.SlotSize} bytes cannot hold an MTU ({Mtu}) packet with {headRoom} + {tailRoom} bytes of room", nameof(batch));
        }

        int start = batch.Count;
        if (!OffloadsEnabled)
        {
            while (!batch.IsFull)
            {
                int slot = batch.Count;
                int n = ReadRaw(batch.Buffer.AsSpan(batch.SlotStart(slot) + headRoom, batch.SlotSize - headRoom - tailRoom), wait: wait && slot == start);
                if (n <= 0)
                {
                    break;
                }

                batch.Set(slot, headRoom, n);
                batch.Count = slot + 1;
            }

            Interlocked.Add(ref _packetsRead, batch.Count - start);
            return batch.Count - start;
        }

        _frame ??= GC.AllocateUninitializedArray<byte>(VirtioReadSize);
        while (!batch.IsFull)
        {
            if (_pendingLength == 0)
            {
                int n = ReadRaw(_frame, wait: wait && batch.Count == start);
                if (n <= 0)
                {
                    break;
                }

                if (n < VirtioNetHeader.Size)
                {
                    Interlocked.Increment(ref _malformedFrames);
                    continue;
                }

                CountFrame(_frame[1]);
                _pendingLength = n;
                _cursor = 0;
            }

            int before = batch.Count;
            var status = GsoSegmenter.Segment(_frame.AsSpan(0, _pendingLength), batch, headRoom, tailRoom, ref _cursor);
            if (_frame[1] != VirtioNetHeader.GsoNone)
            {
                Interlocked.Add(ref _segmentsProduced, batch.Count - before);
            }

            if (status == GsoStatus.BatchFull)
            {
                break;
            }

            if (status != GsoStatus.Complete)
            {
                Interlocked.Increment(ref _malformedFrames);
            }

            _pendingLength = 0;
        }

        Interlocked.Add(ref _packetsRead, batch.Count - start);
        return batch.Count - start;
    }

    /// <summary>Offload-mode <see cref="Read"/>: the next segment of the pending super-packet, reading a new frame when none is left.</summary>
    private int ReadOneSegment(Span<byte> buffer)
    {
        _single ??= new PacketBatch(1, 65535);
        _single.Clear();
        if (ReadBatch(_single, 0, 0) == 0)
        {
            return 0;
        }

        var packet = _single.Packet(0);
        int length = Math.Min(packet.Length, buffer.Length);
        packet[..length].CopyTo(buffer);
        return length;
    }

    private void CountFrame(byte gsoType)
    {
        if (gsoType != VirtioNetHeader.GsoNone)
        {
            Interlocked.Increment(ref _superPacketsRead);
        }
    }

    /// <summary>Sets the virtio-net header size and the offloads; returns why not, or null when they are on.</summary>
    private static string? EnableOffloads(SafeFileDescriptor tun, uint requested, out uint accepted)
    {
        accepted = 0;
        int size = VirtioNetHeader.Size;
        if (Interop.IoctlInt(tun, Interop.TUNSETVNETHDRSZ, ref size) != 0)
        {
            var (errno, text) = Interop.LastError();
            return $"TUNSETVNETHDRSZ {VirtioNetHeader.Size}: {text} (errno {errno})";
        }

        uint flags = requested;
        while (true)
        {
            if (Interop.IoctlValue(tun, Interop.TUNSETOFFLOAD, flags) == 0)
            {
                accepted = flags;
                return null;
            }

            var (errno, text) = Interop.LastError();
            const uint uso = Interop.TunOffload.Uso4 | Interop.TunOffload.Uso6;
            if (errno == Interop.Errno.EINVAL && (flags & uso) != 0)
            {
                // A kernel before 6.2 does not know USO: try again without it.
                flags &= ~uso;
                continue;
            }

            return $"TUNSETOFFLOAD 0x{flags:x}: {text} (errno {errno})";
        }
    }

    private static string DescribeOffloads(uint flags)
    {
        string text = "checksum";
        if ((flags & Interop.TunOffload.Tso4) != 0)
        {
            text += ", TSO4";
        }

        if ((flags & Interop.TunOffload.Tso6) != 0)
        {
            text += ", TSO6";
        }

        if ((flags & Interop.TunOffload.Uso4) != 0)
        {
            text += ", USO4";
        }

        if ((flags & Interop.TunOffload.Uso6) != 0)
        {
            text += ", USO6";
        }

        return text;
    }
}
