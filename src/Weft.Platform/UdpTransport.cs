using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Weft.Core.Net;
using Weft.Platform.Internal;

namespace Weft.Platform;

/// <summary>
/// The UDP underlay: one dual-stack socket ([::]:port, IPv4 through IPv4-mapped addresses) that
/// sends datagrams for the core and delivers received ones to a handler on a dedicated thread.
/// IPv4 peers are always reported and accepted as plain IPv4 endpoints.
/// </summary>
/// <remarks>
/// <code>
///   receive thread (one):  ReceiveBatch(slots)  ── fills up to slots.Length slots; today one
///                            │                     recvfrom per call (recvmmsg/GRO later, same loop)
///                            ▼
///                          for each slot: handler(slot.Buffer[HeadRoom .. HeadRoom+Length], source)
///   senders (any threads): Send ─ DestinationAddressCache (SocketAddress per destination) ─ sendto
///                          SendWithTtl ─ sockaddr on the stack ─ sendmsg with an IP_TTL / IPV6_HOPLIMIT control message
/// </code>
/// <para>Buffers: each slot's buffer belongs to the receive thread; the span passed to the handler
/// is only valid during the call, and the handler may write into it (decrypt in place).
/// <see cref="HeadRoom"/> bytes are free before the datagram in the same array and
/// <see cref="TailRoom"/> after its maximum size.</para>
/// <para>Errors: a failed send (unreachable, no route, ENOBUFS, ...) is a dropped datagram counted
/// in <see cref="SendErrors"/>; a failed receive is counted in <see cref="ReceiveErrors"/> and the
/// loop goes on. Steady-state send and receive allocate nothing.</para>
/// </remarks>
public sealed class UdpTransport : IDatagramTransport, IDisposable
{
    /// <summary>Free bytes before each received datagram in its buffer.</summary>
    public const int HeadRoom = 64;

    /// <summary>Free bytes after the largest possible datagram in its buffer.</summary>
    public const int TailRoom = 64;

    /// <summary>The largest UDP payload (IPv6 jumbograms aside).</summary>
    public const int MaxDatagramSize = 65535;

    private const int SocketBufferSize = 4 * 1024 * 1024;
    private const int SOL_SOCKET = 1;
    private const int SO_SNDBUFFORCE = 32;
    private const int SO_RCVBUFFORCE = 33;
    private const ushort LinuxAfInet6 = 10;

    private readonly Socket _socket;
    private readonly DestinationAddressCache _destinations = new();
    private Thread? _receiveThread;
    private DatagramHandler? _handler;
    private int _disposed;

    // Counters: Interlocked (senders are concurrent).
    private long _datagramsReceived;
    private long _datagramsSent;
    private long _sendErrors;
    private long _receiveErrors;
    private long _multicastErrors;
    private int _multicastLoopOff;

    /// <summary>Receives one datagram; <paramref name="datagram"/> is valid only during the call.</summary>
    public delegate void DatagramHandler(Span<byte> datagram, IPEndPoint source);

    /// <summary>Opens and binds the socket to [::]:<paramref name="port"/> (0 = an ephemeral port).</summary>
    /// <exception cref="IOException">The port is in use or cannot be bound (the message says which).</exception>
    public UdpTransport(int port)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        _socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp) { DualMode = true };
        try
        {
            RaiseBufferSize(SO_RCVBUFFORCE, SocketOptionName.ReceiveBuffer);
            RaiseBufferSize(SO_SNDBUFFORCE, SocketOptionName.SendBuffer);
            _socket.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
        }
        catch (SocketException e)
        {
            _socket.Dispose();
            throw new IOException(e.SocketErrorCode == SocketError.AddressAlreadyInUse
                ? $"cannot listen on UDP port {port}: it is already in use — choose another port"
                : $"cannot listen on UDP port {port}: {e.Message}", e);
        }

        LocalPort = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    /// <summary>The port actually bound (the kernel's choice when 0 was asked for).</summary>
    public int LocalPort { get; }

    public long DatagramsReceived => Interlocked.Read(ref _datagramsReceived);

    public long DatagramsSent => Interlocked.Read(ref _datagramsSent);

    /// <summary>Sends that failed (network unreachable, no route, ENOBUFS, ...) or came after dispose.</summary>
    public long SendErrors => Interlocked.Read(ref _sendErrors);

    /// <summary>Receive calls that failed and were skipped.</summary>
    public long ReceiveErrors => Interlocked.Read(ref _receiveErrors);

    /// <summary>The kernel's receive buffer size for the socket (bytes, as the kernel reports it).</summary>
    public int ReceiveBufferSize => _socket.ReceiveBufferSize;

    /// <summary>The kernel's send buffer size for the socket.</summary>
    public int SendBufferSize => _socket.SendBufferSize;

    /// <summary>The receive thread, for tests that check it ends.</summary>
    internal Thread? ReceiveThread => _receiveThread;

    /// <summary>
    /// Starts the receive thread, which calls <paramref name="handler"/> for each datagram until
    /// <see cref="Dispose"/>. An exception from the handler is a bug: it ends the process, as an
    /// unhandled exception on any thread does. Call once.
    /// </summary>
    public void StartReceiving(DatagramHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.CompareExchange(ref _handler, handler, null) is not null)
        {
            throw new InvalidOperationException("StartReceiving was already called");
        }

        _receiveThread = new Thread(ReceiveLoop) { IsBackground = true, Name = $"weft udp rx :{LocalPort}" };
        _receiveThread.Start();
    }

    /// <summary>Sends one datagram. Never throws for network errors: they are counted in <see cref="SendErrors"/>.</summary>
    public void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        try
        {
            _socket.SendTo(datagram, SocketFlags.None, _destinations.Get(destination));
            Interlocked.Increment(ref _datagramsSent);
        }
        catch (SocketException)
        {
            Interlocked.Increment(ref _sendErrors);
        }
        catch (ObjectDisposedException)
        {
            Interlocked.Increment(ref _sendErrors);
        }
    }

    /// <summary>
    /// Sends one datagram with the IPv4 TTL (IPv4 and IPv4-mapped destinations) or IPv6 hop limit set to
    /// <paramref name="ttl"/> for this datagram only: one sendmsg(2) carrying an IP_TTL or IPV6_HOPLIMIT control
    /// message, so the socket's default TTL never changes. For NAT primers and sweeps that must die at a nearby
    /// router, not for the data path. Never throws for network errors: they are counted in <see cref="SendErrors"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ttl"/> is not 1..255 (a bug in the caller).</exception>
    public unsafe void SendWithTtl(ReadOnlySpan<byte> datagram, IPEndPoint destination, int ttl)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfLessThan(ttl, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ttl, 255);
        var address = destination.Address;
        var v4 = address.AddressFamily == AddressFamily.InterNetwork || address.IsIPv4MappedToIPv6;

        // The destination as a sockaddr_in6 on the stack (IPv4 as ::ffff:a.b.c.d: the socket is dual-stack), not
        // through the destination cache: a sweep's 64,512 one-off destinations must not evict the data path's.
        const int nameSize = 28;
        byte* name = stackalloc byte[nameSize];
        var nameSpan = new Span<byte>(name, nameSize);
        nameSpan.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(nameSpan, LinuxAfInet6);   // sa_family, host order (little-endian here)
        BinaryPrimitives.WriteUInt16BigEndian(nameSpan[2..], (ushort)destination.Port);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            nameSpan[18] = 0xff;
            nameSpan[19] = 0xff;
            address.TryWriteBytes(nameSpan[20..24], out _);
        }
        else
        {
            address.TryWriteBytes(nameSpan[8..24], out _);
            BinaryPrimitives.WriteUInt32LittleEndian(nameSpan[24..], (uint)address.ScopeId);
        }

        // One control message with one int: CMSG_SPACE(sizeof(int)) = 24 bytes, zeroed (the padding too).
        const int controlSpace = 24;
        byte* control = stackalloc byte[controlSpace];
        new Span<byte>(control, controlSpace).Clear();
        var header = (Linux.Interop.ControlMessageHeader*)control;
        header->Length = (nuint)(sizeof(Linux.Interop.ControlMessageHeader) + sizeof(int));
        header->Level = v4 ? Linux.Interop.IPPROTO_IP : Linux.Interop.IPPROTO_IPV6;
        header->Type = v4 ? Linux.Interop.IP_TTL : Linux.Interop.IPV6_HOPLIMIT;
        *(int*)(control + sizeof(Linux.Interop.ControlMessageHeader)) = ttl;

        nint sent;
        try
        {
            fixed (byte* data = datagram)
            {
                var vector = new Linux.Interop.IoVector { Base = data, Length = (nuint)datagram.Length };
                var message = new Linux.Interop.MessageHeader
                {
                    Name = name,
                    NameLength = nameSize,
                    Vectors = &vector,
                    VectorCount = 1,
                    Control = control,
                    ControlLength = controlSpace,
                };
                do
                {
                    sent = Linux.Interop.SendMsg(_socket.SafeHandle, &message, 0);
                }
                while (sent < 0 && Marshal.GetLastPInvokeError() == Linux.Interop.Errno.EINTR);
            }
        }
        catch (ObjectDisposedException)
        {
            sent = -1;
        }

        if (sent < 0)
        {
            Interlocked.Increment(ref _sendErrors);
        }
        else
        {
            Interlocked.Increment(ref _datagramsSent);
        }
    }

    /// <summary>
    /// Joins the IPv6 multicast <paramref name="group"/> on interface <paramref name="interfaceIndex"/>
    /// (IPV6_ADD_MEMBERSHIP), so datagrams sent to it on this socket's port arrive through the normal
    /// receive loop. Our own multicast sends are not looped back. True when joined (or already a
    /// member); false (counted in <see cref="MulticastErrors"/>) when the kernel refuses, e.g. the
    /// interface is gone or down without IPv6.
    /// </summary>
    public bool JoinMulticastGroup(IPAddress group, int interfaceIndex)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (group.AddressFamily != AddressFamily.InterNetworkV6 || !group.IsIPv6Multicast)
        {
            throw new ArgumentException($"{group} is not an IPv6 multicast group", nameof(group));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(interfaceIndex);
        try
        {
            if (Interlocked.Exchange(ref _multicastLoopOff, 1) == 0)
            {
                _socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastLoopback, false);
            }

            _socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.AddMembership, new IPv6MulticastOption(group, interfaceIndex));
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return true; // EADDRINUSE: already a member on that interface
        }
        catch (SocketException)
        {
            Interlocked.Increment(ref _multicastErrors);
            return false;
        }
        catch (ObjectDisposedException)
        {
            Interlocked.Increment(ref _multicastErrors);
            return false;
        }
    }

    /// <summary>
    /// Sends one datagram to the link-scoped multicast <paramref name="group"/>:<paramref name="port"/>
    /// out of interface <paramref name="interfaceIndex"/> (the scope id of the destination picks the
    /// interface), from this socket, so answers come back to its port. Never throws for network
    /// errors: they are counted in <see cref="SendErrors"/>.
    /// </summary>
    public void SendMulticast(ReadOnlySpan<byte> datagram, IPAddress group, int port, int interfaceIndex)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (group.AddressFamily != AddressFamily.InterNetworkV6 || !group.IsIPv6Multicast)
        {
            throw new ArgumentException($"{group} is not an IPv6 multicast group", nameof(group));
        }

        Span<byte> bytes = stackalloc byte[16];
        group.TryWriteBytes(bytes, out _);
        Send(datagram, new IPEndPoint(new IPAddress(bytes, interfaceIndex), port));
    }

    /// <summary>Multicast group joins the kernel refused.</summary>
    public long MulticastErrors => Interlocked.Read(ref _multicastErrors);

    /// <summary>Closes the socket and waits (briefly) for the receive thread to finish.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            // Wakes a receive blocked in recvfrom (it returns at once) before the descriptor closes.
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Not connected: expected for UDP; Linux still wakes the receiver.
        }

        _socket.Dispose();
        var thread = _receiveThread;
        if (thread is not null && thread != Thread.CurrentThread)
        {
            thread.Join(TimeSpan.FromSeconds(5));
        }
    }

    private void ReceiveLoop()
    {
        var handler = _handler!;
        var slots = new ReceiveSlot[] { new() };
        var sources = new ReceivedEndpointCache();
        var address = new SocketAddress(AddressFamily.InterNetworkV6);
        while (Volatile.Read(ref _disposed) == 0)
        {
            int count = ReceiveBatch(slots, address, sources);
            for (int i = 0; i < count; i++)
            {
                var slot = slots[i];
                handler(slot.Buffer.AsSpan(HeadRoom, slot.Length), slot.Source!);
            }
        }
    }

    /// <summary>
    /// Fills up to <paramref name="slots"/>.Length slots with received datagrams and returns how many.
    /// Today one recvfrom per call; recvmmsg (and GRO) will fill several without changing the loop.
    /// </summary>
    private int ReceiveBatch(ReceiveSlot[] slots, SocketAddress address, ReceivedEndpointCache sources)
    {
        var slot = slots[0];
        try
        {
            int n = _socket.ReceiveFrom(slot.Buffer.AsSpan(HeadRoom, MaxDatagramSize), SocketFlags.None, address);
            if (Volatile.Read(ref _disposed) != 0)
            {
                return 0;
            }

            slot.Length = n;
            slot.Source = sources.Get(address);
            Interlocked.Increment(ref _datagramsReceived);
            return 1;
        }
        catch (SocketException)
        {
            if (Volatile.Read(ref _disposed) == 0)
            {
                Interlocked.Increment(ref _receiveErrors);
            }

            return 0;
        }
        catch (ObjectDisposedException)
        {
            return 0;
        }
    }

    private void RaiseBufferSize(int forceOption, SocketOptionName option)
    {
        // SO_RCVBUFFORCE/SO_SNDBUFFORCE (CAP_NET_ADMIN) go past net.core.rmem_max/wmem_max; without the
        // capability fall back to the plain option, which the kernel silently caps. Either may fail:
        // the default size still works, only with more drops under bursts.
        Span<byte> size = stackalloc byte[sizeof(int)];
        int requested = SocketBufferSize;
        MemoryMarshal.Write(size, in requested);
        try
        {
            _socket.SetRawSocketOption(SOL_SOCKET, forceOption, size);
            return;
        }
        catch (SocketException)
        {
        }

        try
        {
            _socket.SetSocketOption(SocketOptionLevel.Socket, option, SocketBufferSize);
        }
        catch (SocketException)
        {
        }
    }

    /// <summary>One received datagram: the buffer (owned by the receive thread), its length and source.</summary>
    private sealed class ReceiveSlot
    {
        public readonly byte[] Buffer = new byte[HeadRoom + MaxDatagramSize + TailRoom];
        public int Length;
        public IPEndPoint? Source;
    }
}
