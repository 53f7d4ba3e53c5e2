using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Weft.Core.Net;
using Weft.Platform.Internal;

namespace Weft.Platform;

/// <summary>
/// The UDP underlay: one dual-stack socket ([::]:port, IPv4 through IPv4-mapped addresses) that
/// sends datagrams for the core and delivers received ones to a handler on a dedicated thread,
/// many per system call where the kernel allows (recvmmsg + UDP GRO, sendmmsg + UDP GSO).
/// IPv4 peers are always reported and accepted as plain IPv4 endpoints.
/// </summary>
/// <remarks>
/// <code>
///   receive thread (one):  recvmmsg(ReceiveBatchSize messages, MSG_WAITFORONE) into ReceiveMessages
///                            │   (64 KiB per message: with UDP_GRO one message may hold several datagrams)
///                            ▼
///                          for each message: source = ReceivedEndpointCache(msg_name)
///                            UDP_GRO gso_size N in its control data? split into N-byte datagrams (last shorter)
///                            handler(datagram, source) for each ── then afterBatch() once per recvmmsg
///   senders (any threads): Send ─ DestinationAddressCache (SocketAddress per destination) ─ sendto
///                          SendWithTtl ─ sockaddr on the stack ─ sendmsg with an IP_TTL / IPV6_HOPLIMIT control message
///                          SendBatch ─ sockaddr on the stack, once ─ GsoRun splits the range into runs ─
///                            one message per run (one iovec per datagram, UDP_SEGMENT control when the run has
///                            several) ─ sendmsg for one message, sendmmsg for several
/// </code>
/// <para>Buffers: the receive buffers belong to the receive thread; the span passed to the handler
/// is exactly one datagram, valid only during the call. The handler may write inside it (decrypt in
/// place) but must not assume any room before or after it: with GRO the next datagram follows at once.
/// SendBatch only reads the batch, during the call. Memory: the receive set is ReceiveBatchSize (32) messages of 64 KiB,
/// 2 MiB in one pinned array, allocated when the receive thread starts; SendBatch uses about 10 KB of stack.</para>
/// <para>Offloads: GSO is used when the kernel has UDP_SEGMENT and the transport was created with offloads on; a
/// kernel or device refusing it (EIO, ENOPROTOOPT, EOPNOTSUPP, or EINVAL for a segment that any path carries) turns it
/// off for this socket (<see cref="GsoEnabled"/>, <see cref="GsoRefusals"/>) and the run goes out through sendmmsg.
/// EINVAL or EMSGSIZE for bigger segments may be the path's MTU (9000-byte datagrams on a 1500 link): only that run
/// goes out datagram by datagram (IP fragments them) and GSO stays on.
/// GRO is asked for at start (<see cref="GroEnabled"/>); without it each message holds one datagram.</para>
/// <para>Errors: a failed send (unreachable, no route, ENOBUFS, ...) is a dropped datagram counted
/// in <see cref="SendErrors"/>; a failed receive is counted in <see cref="ReceiveErrors"/> and the
/// loop goes on. Steady-state send, SendBatch and receive allocate nothing.</para>
/// </remarks>
public sealed partial class UdpTransport : IDatagramTransport, IDisposable
{
    /// <summary>The largest UDP payload (IPv6 jumbograms aside).</summary>
    public const int MaxDatagramSize = 65535;

    private const int SocketBufferSize = 4 * 1024 * 1024;
    private const int SOL_SOCKET = 1;
    private const int SO_SNDBUFFORCE = 32;
    private const int SO_RCVBUFFORCE = 33;

    private readonly Socket _socket;
    private readonly DestinationAddressCache _destinations = new();
    private Thread? _receiveThread;
    private DatagramHandler? _handler;
    private Action? _afterBatch;
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

    /// <summary>Opens and binds the socket to [::]:<paramref name="port"/> (0 = an ephemeral port), with UDP GSO and GRO where the kernel has them.</summary>
    /// <exception cref="IOException">The port is in use or cannot be bound (the message says which).</exception>
    public UdpTransport(int port)
        : this(port, offloads: true)
    {
    }

    /// <summary>
    /// Opens and binds the socket to [::]:<paramref name="port"/> (0 = an ephemeral port). <paramref name="offloads"/>
    /// false keeps UDP GSO and GRO off (SendBatch uses sendmmsg, each received message is one datagram): the plain path,
    /// for tests and for a configuration switch.
    /// </summary>
    /// <exception cref="IOException">The port is in use or cannot be bound (the message says which).</exception>
    public UdpTransport(int port, bool offloads)
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
        if (offloads)
        {
            _gsoEnabled = ProbeGso() ? 1 : 0;
            GroEnabled = EnableGro();
        }
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

    /// <summary>The socket, for tests that set options on it (to make the kernel refuse GSO).</summary>
    internal Socket Socket => _socket;

    /// <summary>The receive thread, for tests that check it ends.</summary>
    internal Thread? ReceiveThread => _receiveThread;

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
        const int nameSize = Udp.SocketAddressIn6.Size;
        byte* name = stackalloc byte[nameSize];
        Udp.SocketAddressIn6.Write(new Span<byte>(name, nameSize), destination);

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
}
