using System.Runtime.InteropServices;
using Weft.Core.Net;
using Weft.Core.Offload;
using Weft.Platform.Linux;

namespace Weft.Platform;

/// <summary>
/// A Linux TUN device: layer-3 IP packets to and from the kernel through <c>/dev/net/tun</c>
/// (IFF_TUN | IFF_NO_PI, so every plain read and write is exactly one bare IPv4 or IPv6 packet), optionally with
/// offloads (IFF_VNET_HDR + TUNSETOFFLOAD: TSO/USO super-packets out of the kernel, coalesced GSO writes into it).
/// The device is not persistent: disposing closes the descriptor and the kernel removes it.
/// </summary>
/// <remarks>
/// <para>Threads: one reader calls <see cref="Read"/>, <see cref="ReadVirtio"/> or <see cref="ReadBatch"/> in a loop
/// (one of them: they share the reader's pending super-packet); any number of threads may call <see cref="Write"/>;
/// a thread that brackets its writes with <see cref="BeginBatch"/> / <see cref="EndBatch"/> has them coalesced;
/// <see cref="Dispose"/> may come from any thread and wakes the reader, whose read then returns 0.</para>
/// <code>
///   Read:  poll({tun fd, POLLIN}, {wake eventfd, POLLIN}, forever)
///            wake readable  -> return 0 (disposed)
///            tun readable   -> read(tun fd) one packet (EAGAIN: poll again)
///   Dispose: set disposed; write 1 to the eventfd; release the fds (the SafeHandle
///            reference count defers close until the reader's system call has returned)
///
///   Offload mode (Create(name, mtu, offloads: true) and the kernel agreed; see OffloadsEnabled/OffloadStatus):
///   kernel ──read──► | virtio_net_hdr (10) | IP packet ≤ 64 KB | ──ReadVirtio──► caller
///                                                              ──ReadBatch──► GsoSegmenter ──► PacketBatch slots
///                                                              ──Read──► one segment at a time
///   Write (no batch scope)  ──writev──► | zero header | packet |                             ──► kernel
///   Write (BeginBatch … EndBatch on this thread) ──► the thread's GroCoalescer
///   EndBatch ──► one write(2) per item: | GSO TCP header | super-packet | or | zero header | packet | ──► kernel
/// </code>
/// </remarks>
public sealed partial class LinuxTunDevice : ITunWriter, IDisposable
{
    private const short IFF_TUN = 0x0001;
    private const short IFF_NO_PI = 0x1000;
    private const string ClonePath = "/dev/net/tun";

    private readonly SafeFileDescriptor _tun;
    private readonly SafeFileDescriptor _wake;
    private int _disposed;

    // Counters: written with Interlocked by any thread.
    private long _packetsRead;
    private long _packetsWritten;
    private long _writeErrors;

    private LinuxTunDevice(SafeFileDescriptor tun, SafeFileDescriptor wake, string name, int interfaceIndex, int mtu, uint offloadFlags, string offloadStatus)
    {
        _tun = tun;
        _wake = wake;
        Name = name;
        InterfaceIndex = interfaceIndex;
        Mtu = mtu;
        _offloadFlags = offloadFlags;
        OffloadStatus = offloadStatus;
        _sink = new FrameSink(this);
    }

    /// <summary>The interface name the kernel chose (a "%d" in the requested name is replaced by a number).</summary>
    public string Name { get; }

    /// <summary>The kernel's interface index, for <see cref="Netlink"/> calls.</summary>
    public int InterfaceIndex { get; }

    /// <summary>The MTU set at creation.</summary>
    public int Mtu { get; }

    /// <summary>IP packets returned by <see cref="Read"/> and <see cref="ReadBatch"/>, frames returned by <see cref="ReadVirtio"/>.</summary>
    public long PacketsRead => Interlocked.Read(ref _packetsRead);

    /// <summary>IP packets accepted by the kernel (a coalesced write counts each packet that went into it).</summary>
    public long PacketsWritten => Interlocked.Read(ref _packetsWritten);

    /// <summary>Packets <see cref="Write"/> dropped: refused by the kernel (malformed), or written after dispose.</summary>
    public long WriteErrors => Interlocked.Read(ref _writeErrors);

    /// <summary>
    /// Creates a TUN device named <paramref name="name"/> (at most 15 characters; may contain one
    /// "%d" for the kernel to number, e.g. "weft%d") and sets its MTU. The link stays down and has no
    /// addresses: use <see cref="Netlink"/> for that.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty, too long or contains '/' or whitespace.</exception>
    /// <exception cref="IOException">The kernel refused (with a message saying why and what to do).</exception>
    public static LinuxTunDevice Create(string name, int mtu) => Create(name, mtu, offloads: false);

    /// <summary>
    /// Creates a TUN device as <see cref="Create(string, int)"/> does; with <paramref name="offloads"/> it asks the
    /// kernel for the virtio-net header and checksum, TSO4, TSO6 (and USO4/USO6 where the kernel has them) offloads.
    /// A kernel that refuses gets a plain device: <see cref="OffloadsEnabled"/> is false and
    /// <see cref="OffloadStatus"/> says why.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty, too long or contains '/' or whitespace.</exception>
    /// <exception cref="IOException">The kernel refused to create the device at all.</exception>
    public static LinuxTunDevice Create(string name, int mtu, bool offloads) =>
        Create(name, mtu, offloads, DefaultOffloadFlags);

    /// <summary>Creates the device asking for <paramref name="offloadFlags"/> (tests pass flags the kernel refuses).</summary>
    internal static LinuxTunDevice Create(string name, int mtu, bool offloads, uint offloadFlags)
    {
        ValidateName(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(mtu, 68);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(mtu, 65535);

        SafeFileDescriptor tun;
        string actualName;
        uint accepted = 0;
        string status;
        if (offloads)
        {
            string? refusal;
            try
            {
                tun = OpenTun(name, IFF_TUN | IFF_NO_PI | Interop.IFF_VNET_HDR, out actualName);
                refusal = EnableOffloads(tun, offloadFlags, out accepted);
                if (refusal is not null)
                {
                    tun.Dispose();
                }
            }
            catch (IOException e)
            {
                refusal = e.Message;
                tun = null!;
                actualName = name;
            }

            if (refusal is null)
            {
                status = DescribeOffloads(accepted);
            }
            else
            {
                status = $"plain (offloads refused: {refusal})";
                // The device we just closed may hold its name for a moment while the kernel unregisters it.
                tun = OpenTun(name, IFF_TUN | IFF_NO_PI, out actualName, busyWaitMilliseconds: 2000);
            }
        }
        else
        {
            status = "plain (offloads off)";
            tun = OpenTun(name, IFF_TUN | IFF_NO_PI, out actualName);
        }

        SafeFileDescriptor? wake = null;
        try
        {
            uint index = Interop.IfNameToIndex(actualName);
            if (index == 0)
            {
                var (errno, text) = Interop.LastError();
                throw new IOException($"TUN device '{actualName}' was created but its interface index cannot be read: {text} (errno {errno})");
            }

            wake = Interop.EventFd(0, Interop.EFD_CLOEXEC | Interop.EFD_NONBLOCK);
            if (wake.IsInvalid)
            {
                var (errno, text) = Interop.LastError();
                throw new IOException($"cannot create an eventfd for TUN device '{actualName}': {text} (errno {errno})");
            }

            Netlink.SetMtu((int)index, mtu);
            return new LinuxTunDevice(tun, wake, actualName, (int)index, mtu, accepted, status);
        }
        catch
        {
            wake?.Dispose();
            tun.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens the clone device and attaches it to interface <paramref name="name"/> with <paramref name="flags"/>;
    /// while the name is busy (EBUSY), retries every 10 ms for up to <paramref name="busyWaitMilliseconds"/>.
    /// </summary>
    private static SafeFileDescriptor OpenTun(string name, short flags, out string actualName, int busyWaitMilliseconds = 0)
    {
        var tun = Interop.Open(ClonePath, Interop.OpenFlags.O_RDWR | Interop.OpenFlags.O_NONBLOCK | Interop.OpenFlags.O_CLOEXEC);
        if (tun.IsInvalid)
        {
            var (errno, text) = Interop.LastError();
            tun.Dispose();
            throw new IOException(errno switch
            {
                Interop.Errno.EACCES or Interop.Errno.EPERM =>
                    $"cannot open {ClonePath}: permission denied — run as root or grant CAP_NET_ADMIN",
                Interop.Errno.ENOENT =>
                    $"cannot open {ClonePath}: it does not exist — load the tun module (modprobe tun) or create it (mknod {ClonePath} c 10 200)",
                Interop.Errno.ENODEV or Interop.Errno.ENXIO =>
                    $"cannot open {ClonePath}: the kernel has no TUN support — load the tun module (modprobe tun)",
                _ => $"cannot open {ClonePath}: {text} (errno {errno})",
            });
        }

        try
        {
            var request = default(InterfaceRequest);
            request.SetName(name);
            request.Flags = flags;
            long busyUntil = Environment.TickCount64 + busyWaitMilliseconds;
            while (Interop.Ioctl(tun, Interop.TUNSETIFF, ref request) != 0)
            {
                var (errno, text) = Interop.LastError();
                if (errno == Interop.Errno.EBUSY && Environment.TickCount64 < busyUntil)
                {
                    Thread.Sleep(10);
                    request.SetName(name);
                    request.Flags = flags;
                    continue;
                }

                throw new IOException(errno switch
                {
                    Interop.Errno.EPERM or Interop.Errno.EACCES =>
                        $"cannot create TUN device '{name}': permission denied — run as root or grant CAP_NET_ADMIN",
                    Interop.Errno.EBUSY =>
                        $"cannot create TUN device '{name}': the name is in use by another device or a TUN already attached to another process",
                    Interop.Errno.EINVAL =>
                        $"cannot create TUN device '{name}': an interface of that name exists and is not a TUN device, or the name or flags (0x{flags:x}) are invalid",
                    _ => $"cannot create TUN device '{name}': {text} (errno {errno})",
                });
            }

            actualName = request.GetName();
            return tun;
        }
        catch
        {
            tun.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Blocks until one IP packet arrives and copies it into <paramref name="buffer"/>; returns its
    /// length, or 0 once <see cref="Dispose"/> has been called (from any thread). A packet longer than
    /// the buffer is truncated, so pass at least MTU bytes. In offload mode a super-packet from the kernel is
    /// segmented here and handed out one segment per call (the daemon's hot path uses <see cref="ReadBatch"/>).
    /// </summary>
    /// <exception cref="IOException">The device failed (for example it was deleted under us).</exception>
    public int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (OffloadsEnabled)
        {
            return ReadOneSegment(buffer);
        }

        int n = ReadRaw(buffer, wait: true);
        if (n > 0)
        {
            Interlocked.Increment(ref _packetsRead);
        }

        return n;
    }

    /// <summary>
    /// One read(2) from the device: blocks (when <paramref name="wait"/>) until the device is readable. Returns the
    /// byte count, 0 once disposed, or -1 when <paramref name="wait"/> is false and nothing is ready.
    /// </summary>
    private int ReadRaw(Span<byte> buffer, bool wait)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return 0;
        }

        bool tunHeld = false;
        try
        {
            _tun.DangerousAddRef(ref tunHeld);
            while (true)
            {
                // Read first (under load a packet is usually there, which saves the poll); poll only on EAGAIN.
                nint n = Interop.Read(_tun, buffer, (nuint)buffer.Length);
                if (n > 0)
                {
                    return (int)n;
                }

                // errno first: the message text is a string, made only when we throw.
                int readErrno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
                if (readErrno == Interop.Errno.EINTR)
                {
                    continue;
                }

                if (n < 0 && readErrno != Interop.Errno.EAGAIN)
                {
                    var (errno, text) = Interop.LastError();
                    throw new IOException($"read from TUN device '{Name}' failed: {text} (errno {errno})");
                }

                if (Volatile.Read(ref _disposed) != 0)
                {
                    return 0;
                }

                if (!wait)
                {
                    return -1;
                }

                if (!WaitReadable())
                {
                    return 0;
                }
            }
        }
        catch (ObjectDisposedException)
        {
            // Dispose won the race to the SafeHandle before we took our reference.
            return 0;
        }
        finally
        {
            if (tunHeld)
            {
                _tun.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Blocks until the device has a packet to read (true) or has been disposed (false), without reading it. Lets a
    /// reader wait outside a lock and read inside it (see the daemon's TUN reader).
    /// </summary>
    /// <exception cref="IOException">The device failed.</exception>
    public bool WaitReadable()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return false;
        }

        bool tunHeld = false, wakeHeld = false;
        try
        {
            _tun.DangerousAddRef(ref tunHeld);
            _wake.DangerousAddRef(ref wakeHeld);
            Span<Interop.PollFd> fds = stackalloc Interop.PollFd[2];
            while (true)
            {
                fds[0] = new Interop.PollFd { Fd = _tun.Fd, Events = Interop.POLLIN };
                fds[1] = new Interop.PollFd { Fd = _wake.Fd, Events = Interop.POLLIN };
                int ready = Interop.Poll(fds, 2, -1);
                if (ready < 0)
                {
                    var (errno, text) = Interop.LastError();
                    if (errno == Interop.Errno.EINTR)
                    {
                        continue;
                    }

                    throw new IOException($"poll on TUN device '{Name}' failed: {text} (errno {errno})");
                }

                if (fds[1].ReturnedEvents != 0 || Volatile.Read(ref _disposed) != 0)
                {
                    return false;
                }

                if ((fds[0].ReturnedEvents & Interop.POLLIN) != 0)
                {
                    return true;
                }

                if ((fds[0].ReturnedEvents & (Interop.POLLERR | Interop.POLLHUP | Interop.POLLNVAL)) != 0)
                {
                    throw new IOException($"TUN device '{Name}' reported an error (poll events 0x{fds[0].ReturnedEvents:x}); was it deleted?");
                }
            }
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            if (wakeHeld)
            {
                _wake.DangerousRelease();
            }

            if (tunHeld)
            {
                _tun.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Hands one IP packet to the kernel as if it had arrived on this interface (in offload mode behind a zero
    /// virtio-net header). Between <see cref="BeginBatch"/> and <see cref="EndBatch"/> on the calling thread the
    /// packet is queued for coalescing instead and written at <see cref="EndBatch"/>. A packet the kernel
    /// refuses (malformed: EINVAL/EIO), or one written after dispose, is dropped and counted in
    /// <see cref="WriteErrors"/>; this never throws for a bad packet.
    /// </summary>
    public void Write(ReadOnlySpan<byte> ipPacket)
    {
        if (ipPacket.IsEmpty || Volatile.Read(ref _disposed) != 0)
        {
            Interlocked.Increment(ref _writeErrors);
            return;
        }

        if (ReferenceEquals(t_batchDevice, this))
        {
            if (!t_coalescer!.Add(ipPacket, _sink))
            {
                Interlocked.Increment(ref _writeErrors);
            }

            return;
        }

        WriteSystemCall(ipPacket, OffloadsEnabled, packets: 1);
    }

    /// <summary>
    /// One write(2) (or writev(2) with a zero virtio-net header in front when <paramref name="zeroHeader"/>) of
    /// <paramref name="data"/>, counted as <paramref name="packets"/> IP packets. Returns true when the kernel took it.
    /// </summary>
    private unsafe bool WriteSystemCall(ReadOnlySpan<byte> data, bool zeroHeader, int packets)
    {
        bool held = false;
        try
        {
            _tun.DangerousAddRef(ref held);
            Span<byte> header = stackalloc byte[VirtioNetHeader.Size];
            header.Clear();
            Interop.IoVector* vectors = stackalloc Interop.IoVector[2];
            while (true)
            {
                nint n;
                if (zeroHeader)
                {
                    fixed (byte* headerPointer = header)
                    fixed (byte* dataPointer = data)
                    {
                        vectors[0] = new Interop.IoVector { Base = headerPointer, Length = VirtioNetHeader.Size };
                        vectors[1] = new Interop.IoVector { Base = dataPointer, Length = (nuint)data.Length };
                        n = Interop.Writev(_tun, vectors, 2);
                    }
                }
                else
                {
                    n = Interop.Write(_tun, data, (nuint)data.Length);
                }

                if (n >= 0)
                {
                    Interlocked.Add(ref _packetsWritten, packets);
                    return true;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno == Interop.Errno.EINTR)
                {
                    continue;
                }

                // EINVAL/EIO: malformed packet; EAGAIN: the kernel's backlog is full; anything else: the
                // device is going away. All are a dropped packet, as on a real link.
                Interlocked.Increment(ref _writeErrors);
                return false;
            }
        }
        catch (ObjectDisposedException)
        {
            Interlocked.Increment(ref _writeErrors);
            return false;
        }
        finally
        {
            if (held)
            {
                _tun.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Wakes a blocked <see cref="Read"/> (it returns 0) and closes the device; the kernel removes the
    /// interface as soon as no system call is using the descriptor any more.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // An eventfd takes a native-endian 64-bit increment.
        ulong one = 1;
        _ = Interop.Write(_wake, MemoryMarshal.AsBytes(new Span<ulong>(ref one)), sizeof(ulong));
        _tun.Dispose();
        _wake.Dispose();
    }

    private static void ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Length >= InterfaceRequest.NameSize)
        {
            throw new ArgumentException($"interface name '{name}' is longer than {InterfaceRequest.NameSize - 1} characters", nameof(name));
        }

        foreach (char c in name)
        {
            if (c is '/' or ':' || char.IsWhiteSpace(c) || c > 0x7e || c < 0x21)
            {
                throw new ArgumentException($"interface name '{name}' contains an invalid character '{c}'", nameof(name));
            }
        }
    }
}
