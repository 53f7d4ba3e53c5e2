using System.Runtime.InteropServices;
using Weft.Platform.Linux;

namespace Weft.Platform.Udp;

/// <summary>
/// The preallocated set of messages that one recvmmsg(2) call fills: for each message a data buffer (a slot of one
/// pinned array), a source address and room for control messages (the UDP_GRO segment size). Owned by the receive
/// thread, reused for every call, freed when the loop ends.
/// </summary>
/// <remarks>
/// <code>
///   native block (zeroed, NativeMemory):
///   | mmsghdr[Count] (64 B each) | iovec[Count] (16 B) | name[Count] (32 B: sockaddr_in6) | control[Count] (64 B) |
///        │ msg_iov ──────────────────► iov_base ───────► Data[i * SlotSize .. +SlotSize]  (pinned byte[])
///        │ msg_name ─────────────────────────────────────► name[i]
///        └ msg_control ──────────────────────────────────────────────────────────────────► control[i]
/// </code>
/// <para>The kernel rewrites msg_namelen, msg_controllen, msg_flags and msg_len on every call, so <see cref="Reset"/>
/// restores the first three before each call. A control message on 64-bit Linux:</para>
/// <code>
///  0  cmsg_len (u64)   8  cmsg_level (i32)   12  cmsg_type (i32)   16  data ... padded to a multiple of 8
/// </code>
/// </remarks>
internal sealed unsafe class ReceiveMessages : IDisposable
{
    /// <summary>Room for one source address (sockaddr_in6 is 28 bytes).</summary>
    public const int NameSize = 32;

    /// <summary>Room for control messages per datagram (UDP_GRO takes CMSG_SPACE(4) = 24).</summary>
    public const int ControlSize = 64;

    private readonly byte* _block;
    private readonly Interop.IoVector* _vectors;
    private readonly byte* _names;
    private readonly byte* _controls;

    public ReceiveMessages(int count, int slotSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(slotSize, 1);
        Count = count;
        SlotSize = slotSize;
        Data = GC.AllocateUninitializedArray<byte>(count * slotSize, pinned: true);
        nuint size = (nuint)(count * (sizeof(Interop.MultipleMessageHeader) + sizeof(Interop.IoVector) + NameSize + ControlSize));
        _block = (byte*)NativeMemory.AllocZeroed(size);
        Headers = (Interop.MultipleMessageHeader*)_block;
        _vectors = (Interop.IoVector*)(Headers + count);
        _names = (byte*)(_vectors + count);
        _controls = _names + (count * NameSize);
        byte* data = (byte*)Marshal.UnsafeAddrOfPinnedArrayElement(Data, 0);
        for (int i = 0; i < count; i++)
        {
            _vectors[i] = new Interop.IoVector { Base = data + ((nint)i * slotSize), Length = (nuint)slotSize };
            Headers[i].Header.Name = _names + (i * NameSize);
            Headers[i].Header.Vectors = _vectors + i;
            Headers[i].Header.VectorCount = 1;
            Headers[i].Header.Control = _controls + (i * ControlSize);
        }

        Reset();
    }

    /// <summary>Messages per call.</summary>
    public int Count { get; }

    /// <summary>The data buffer size of each message.</summary>
    public int SlotSize { get; }

    /// <summary>All data buffers, back to back (message i's at i * <see cref="SlotSize"/>).</summary>
    public byte[] Data { get; }

    /// <summary>The mmsghdr array handed to recvmmsg.</summary>
    public Interop.MultipleMessageHeader* Headers { get; }

    /// <summary>Restores the lengths the kernel overwrote in the last call.</summary>
    public void Reset()
    {
        for (int i = 0; i < Count; i++)
        {
            ref var header = ref Headers[i];
            header.Header.NameLength = NameSize;
            header.Header.ControlLength = ControlSize;
            header.Header.Flags = 0;
            header.Length = 0;
        }
    }

    /// <summary>Bytes the kernel put in message <paramref name="index"/>'s buffer.</summary>
    public int Length(int index) => (int)Headers[index].Length;

    /// <summary>The msg_flags of message <paramref name="index"/> (MSG_TRUNC, MSG_CTRUNC).</summary>
    public int Flags(int index) => Headers[index].Header.Flags;

    /// <summary>The raw source address of message <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Source(int index) =>
        new(_names + (index * NameSize), (int)Math.Min(Headers[index].Header.NameLength, NameSize));

    /// <summary>Message <paramref name="index"/>'s received bytes.</summary>
    public Span<byte> Datagrams(int index) => Data.AsSpan(index * SlotSize, Length(index));

    /// <summary>
    /// The segment size of message <paramref name="index"/> from its SOL_UDP/UDP_GRO control message: the buffer holds
    /// datagrams of that many bytes (the last may be shorter). 0 when there is none (one plain datagram).
    /// </summary>
    public int GroSegmentSize(int index)
    {
        byte* control = _controls + (index * ControlSize);
        nuint length = Math.Min(Headers[index].Header.ControlLength, ControlSize);
        nuint offset = 0;
        nuint headerSize = (nuint)sizeof(Interop.ControlMessageHeader);
        while (offset + headerSize <= length)
        {
            var header = (Interop.ControlMessageHeader*)(control + offset);
            if (header->Length < headerSize || offset + header->Length > length)
            {
                return 0;
            }

            if (header->Level == Interop.SOL_UDP && header->Type == Interop.UDP_GRO && header->Length >= headerSize + sizeof(int))
            {
                return *(int*)(control + offset + headerSize);
            }

            offset += (header->Length + 7) & ~(nuint)7;
        }

        return 0;
    }

    public void Dispose() => NativeMemory.Free(_block);
}
