using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Weft.Core.Net;
using Weft.Platform.Linux;
using Weft.Platform.Udp;

namespace Weft.Platform;

/// <summary>The batched send side of <see cref="UdpTransport"/>: UDP GSO runs, sendmmsg, and the fallback between them.</summary>
public sealed partial class UdpTransport
{
    /// <summary>Messages per sendmmsg call (each a GSO run or one datagram).</summary>
    private const int MaxMessagesPerCall = 64;

    /// <summary>Datagrams (iovecs) per sendmmsg call.</summary>
    private const int MaxVectorsPerCall = 256;

    /// <summary>CMSG_SPACE(sizeof(u16)) on 64-bit Linux: the room one UDP_SEGMENT control message takes.</summary>
    private const int SegmentControlSpace = 24;

    /// <summary>
    /// Below this segment size an EINVAL for a GSO send cannot be the path's MTU (1280-byte IPv6 minimum less the IPv6
    /// and UDP headers), so it means the kernel refuses GSO itself and GSO is turned off for the socket.
    /// </summary>
    private const int SegmentAnyPathCarries = 1232;

    // Batch send counters: Interlocked (senders are concurrent). _gsoEnabled: 1 on, 0 off; only ever goes 1 → 0.
    private int _gsoEnabled;
    private long _batchesSent;
    private long _gsoSends;
    private long _gsoRefusals;

    /// <summary>True while SendBatch sends runs of equal datagrams as one UDP GSO send (off when created without offloads, unsupported or refused).</summary>
    public bool GsoEnabled => Volatile.Read(ref _gsoEnabled) != 0;

    /// <summary>SendBatch calls with at least one datagram.</summary>
    public long BatchesSent => Interlocked.Read(ref _batchesSent);

    /// <summary>Runs of several datagrams the kernel accepted as one UDP GSO send.</summary>
    public long GsoSends => Interlocked.Read(ref _gsoSends);

    /// <summary>GSO sends the kernel refused; their datagrams went out through the plain path.</summary>
    public long GsoRefusals => Interlocked.Read(ref _gsoRefusals);

    /// <summary>
    /// Sends the datagrams in slots [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>) of
    /// <paramref name="batch"/>, in order, to <paramref name="destination"/>, in as few system calls as the kernel
    /// allows: runs of equal-length datagrams (plus one shorter last) as one UDP GSO message each, all messages
    /// through one sendmmsg (sendmsg when there is one). Only reads the batch. Never throws for network errors:
    /// failed datagrams are counted in <see cref="SendErrors"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A slot in the range lies outside the batch's buffer (a bug in the caller).</exception>
    public unsafe void SendBatch(PacketBatch batch, int first, int count, IPEndPoint destination)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first + count, batch.Capacity, nameof(count));
        if (count == 0)
        {
            return;
        }

        // The kernel gets raw addresses inside the batch: a slot pointing outside the buffer is a caller's bug, never sent.
        var bufferLength = (uint)batch.Buffer.Length;
        for (int i = first; i < first + count; i++)
        {
            if ((uint)batch.Offsets[i] > bufferLength || (uint)batch.Lengths[i] > bufferLength - (uint)batch.Offsets[i])
            {
                throw new ArgumentException($"slot {i} ({batch.Lengths[i]} bytes at {batch.Offsets[i]}) is not inside the batch's buffer", nameof(batch));
            }
        }

        Interlocked.Increment(ref _batchesSent);
        byte* name = stackalloc byte[SocketAddressIn6.Size];
        SocketAddressIn6.Write(new Span<byte>(name, SocketAddressIn6.Size), destination);
        var headers = stackalloc Interop.MultipleMessageHeader[MaxMessagesPerCall];
        var vectors = stackalloc Interop.IoVector[MaxVectorsPerCall];
        byte* controls = stackalloc byte[MaxMessagesPerCall * SegmentControlSpace];
        int* datagramsInMessage = stackalloc int[MaxMessagesPerCall];
        ReadOnlySpan<int> lengths = batch.Lengths;
        ReadOnlySpan<int> offsets = batch.Offsets;
        int end = first + count;
        int next = first;
        int plainBefore = first; // datagrams before this index go without GSO (their GSO run was refused)

        fixed (byte* data = batch.Buffer)
        {
            while (next < end)
            {
                // Build as many messages as fit, starting at next.
                bool gso = Volatile.Read(ref _gsoEnabled) != 0;
                int messages = 0, used = 0, position = next;
                while (position < end && messages < MaxMessagesPerCall && used < MaxVectorsPerCall)
                {
                    int run = gso && position >= plainBefore
                        ? GsoRun.Length(lengths, position, Math.Min(end, position + (MaxVectorsPerCall - used)))
                        : 1;
                    for (int i = 0; i < run; i++)
                    {
                        vectors[used + i] = new Interop.IoVector { Base = data + offsets[position + i], Length = (nuint)lengths[position + i] };
                    }

                    ref var header = ref headers[messages].Header;
                    header.Name = name;
                    header.NameLength = SocketAddressIn6.Size;
                    header.Vectors = vectors + used;
                    header.VectorCount = (nuint)run;
                    header.Flags = 0;
                    headers[messages].Length = 0;
                    if (run > 1)
                    {
                        byte* control = controls + (messages * SegmentControlSpace);
                        new Span<byte>(control, SegmentControlSpace).Clear();
                        var cmsg = (Interop.ControlMessageHeader*)control;
                        cmsg->Length = (nuint)(sizeof(Interop.ControlMessageHeader) + sizeof(ushort));
                        cmsg->Level = Interop.SOL_UDP;
                        cmsg->Type = Interop.UDP_SEGMENT;
                        *(ushort*)(control + sizeof(Interop.ControlMessageHeader)) = (ushort)lengths[position];
                        header.Control = control;
                        header.ControlLength = SegmentControlSpace;
                    }
                    else
                    {
                        header.Control = null;
                        header.ControlLength = 0;
                    }

                    datagramsInMessage[messages] = run;
                    messages++;
                    used += run;
                    position += run;
                }

                int sent = Submit(headers, messages, out int errno);
                long datagrams = 0, runs = 0;
                for (int m = 0; m < sent; m++)
                {
                    datagrams += datagramsInMessage[m];
                    runs += datagramsInMessage[m] > 1 ? 1 : 0;
                }

                next += (int)datagrams;
                Interlocked.Add(ref _datagramsSent, datagrams);
                if (runs != 0)
                {
                    Interlocked.Add(ref _gsoSends, runs);
                }

                if (sent > 0)
                {
                    continue; // all sent, or sendmmsg stopped early: rebuild from the first unsent (its error, if any, recurs)
                }

                // The first message failed with errno.
                int failed = datagramsInMessage[0];
                if (failed > 1 && errno != Interop.Errno.EINTR && IsGsoRefusal(errno, lengths[next], out bool forGood))
                {
                    Interlocked.Increment(ref _gsoRefusals);
                    if (forGood)
                    {
                        Volatile.Write(ref _gsoEnabled, 0);
                    }
                    else
                    {
                        plainBefore = next + failed;
                    }

                    continue; // resend the run datagram by datagram
                }

                Interlocked.Add(ref _sendErrors, failed);
                next += failed;
            }
        }
    }

    /// <summary>
    /// True when <paramref name="errno"/> from a GSO send means the kernel or device will not segment it;
    /// <paramref name="forGood"/> when that holds for every GSO send on this socket, not just segments this large.
    /// </summary>
    private static bool IsGsoRefusal(int errno, int segmentSize, out bool forGood)
    {
        forGood = errno is Interop.Errno.EIO or Interop.ENOPROTOOPT or Interop.EOPNOTSUPP
            || (errno == Interop.Errno.EINVAL && segmentSize <= SegmentAnyPathCarries);
        return forGood || errno is Interop.Errno.EINVAL or Interop.Errno.EMSGSIZE;
    }

    /// <summary>
    /// One sendmsg (one message) or sendmmsg (several). Returns how many messages went out; 0 with
    /// <paramref name="errno"/> when the first failed. EINTR is retried; EAGAIN (a full send buffer on a
    /// non-blocking descriptor) waits up to a second for room, then counts as the error.
    /// </summary>
    private unsafe int Submit(Interop.MultipleMessageHeader* headers, int messages, out int errno)
    {
        errno = 0;
        int waits = 0;
        try
        {
            while (true)
            {
                int sent = messages == 1
                    ? (Interop.SendMsg(_socket.SafeHandle, &headers->Header, 0) >= 0 ? 1 : -1)
                    : Interop.SendMmsg(_socket.SafeHandle, headers, (uint)messages, 0);
                if (sent >= 0)
                {
                    return sent;
                }

                errno = Marshal.GetLastPInvokeError();
                if (errno == Interop.Errno.EINTR)
                {
                    continue;
                }

                if (errno == Interop.Errno.EAGAIN && waits++ < 10)
                {
                    Span<Interop.PollFd> poll = [new Interop.PollFd { Fd = (int)_socket.Handle, Events = Interop.POLLOUT }];
                    Interop.Poll(poll, 1, 100);
                    continue;
                }

                return 0;
            }
        }
        catch (ObjectDisposedException)
        {
            errno = Interop.Errno.EBADFD;
            return 0;
        }
    }

    /// <summary>Whether this kernel knows UDP_SEGMENT (Linux 4.18+): reading the option fails with ENOPROTOOPT where it does not.</summary>
    private bool ProbeGso()
    {
        Span<byte> value = stackalloc byte[sizeof(int)];
        try
        {
            _socket.GetRawSocketOption(Interop.SOL_UDP, Interop.UDP_SEGMENT, value);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
