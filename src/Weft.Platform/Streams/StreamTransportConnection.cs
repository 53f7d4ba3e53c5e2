using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using Weft.Core.Net;

namespace Weft.Platform.Streams;

/// <summary>
/// One TCP or TLS connection of a <see cref="StreamTransport"/>, carrying length-framed datagrams.
/// Its own thread opens it (connect and/or TLS handshake), reports it, reads frames until it ends,
/// and reports the end — so every event of one connection reaches the handler in order, from one thread.
/// </summary>
/// <remarks>
/// <para>Frame (both directions, TCP and inside TLS):</para>
/// <code>
///  0                   1                   2
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 ...
/// +-------------------------------+---------------------------
/// |   length (u16, big endian)    |  datagram (length bytes) ...
/// +-------------------------------+---------------------------
///   length 1..65535; a frame of length 0 is a protocol error and closes the connection.
/// </code>
/// <para>Lifecycle (one thread per connection):</para>
/// <code>
///  outbound: connect (ConnectTimeout) ─ [TLS client handshake] ─┐          ┌─ failure: OnStreamConnectFailed
///  inbound:  accepted by the listener ─ [TLS server handshake] ─┤ Opening ─┤
///                                                               │          └─ success: OnStreamConnected
///                      Open: read frames → OnStreamDatagram ... ─ EOF / error / zero length / Close() ─ OnStreamClosed (once)
/// </code>
/// <para>Buffers: <c>_readBuffer</c> belongs to the connection thread; the span given to
/// <see cref="IStreamHandler.OnStreamDatagram"/> points into it and is valid only during the call (the
/// handler may write into it). <c>_writeBuffer</c> is guarded by <c>_writeLock</c>, as are writes to the
/// stream. Both start small and grow to the largest frame seen (at most 65537 bytes), so steady-state
/// reads and sends allocate nothing.</para>
/// <para>Congestion: a send finds the socket's send buffer nearly full (the peer reads slower than we
/// send) → the frame is dropped and counted, never queued and never waited for, as UDP would drop it;
/// WireGuard and the traffic inside cope with loss, and one slow peer cannot stall the node's sending threads.</para>
/// </remarks>
internal sealed class StreamTransportConnection : StreamConnection
{
    /// <summary>Bytes of the length prefix.</summary>
    public const int HeaderSize = 2;

    /// <summary>The largest datagram a frame carries.</summary>
    public const int MaxDatagramSize = ushort.MaxValue;

    private const int InitialBufferSize = 2048;
    private const int StateOpening = 0;
    private const int StateOpen = 1;
    private const int StateClosed = 2;

    private readonly StreamTransport _transport;
    private readonly Socket _socket;
    private readonly TransportKind _kind;
    private readonly IPEndPoint _remote;
    private readonly bool _outbound;
    private readonly Thread _thread;

    // Guarded by _writeLock: the write buffer, writes to _stream, and disposing _stream.
    private readonly Lock _writeLock = new();
    private byte[] _writeBuffer = new byte[InitialBufferSize];

    // Owned by the connection thread.
    private byte[] _readBuffer = new byte[InitialBufferSize];

    private Stream? _stream;             // set by the connection thread before the state becomes Open
    private int _state;                  // StateOpening → StateOpen → StateClosed (Interlocked/Volatile)
    private string? _closeReason;        // first reason a local Close gave (Interlocked)
    private long _lastFrameTicks;        // Environment.TickCount64 of the last received frame (read by the sweeper)
    private OpeningDeadline? _deadline;   // when connecting/shaking hands must be done (read by the sweeper)

    /// <summary>An outbound connection: its thread will connect to <paramref name="remote"/>.</summary>
    public StreamTransportConnection(StreamTransport transport, TransportKind kind, IPEndPoint remote)
        : this(transport, kind, new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp), remote, outbound: true)
    {
    }

    /// <summary>An inbound connection on an accepted socket.</summary>
    public StreamTransportConnection(StreamTransport transport, TransportKind kind, Socket accepted, IPEndPoint remote)
        : this(transport, kind, accepted, remote, outbound: false)
    {
    }

    private StreamTransportConnection(StreamTransport transport, TransportKind kind, Socket socket, IPEndPoint remote, bool outbound)
    {
        _transport = transport;
        _kind = kind;
        _socket = socket;
        _remote = remote;
        _outbound = outbound;
        _socket.NoDelay = true;
        _socket.SendTimeout = (int)transport.Options.SendTimeout.TotalMilliseconds;
        _thread = new Thread(Run) { IsBackground = true, Name = $"weft {(kind == TransportKind.Tls ? "tls" : "tcp")} {remote}" };
    }

    public override TransportKind Kind => _kind;

    public override IPEndPoint Remote => _remote;

    public override bool Outbound => _outbound;

    /// <summary>True between the open report and the end of the connection.</summary>
    public bool IsOpen => Volatile.Read(ref _state) == StateOpen;

    /// <summary>The connection's thread (started by the transport; joined on dispose).</summary>
    internal Thread Thread => _thread;

    public override void Send(ReadOnlySpan<byte> datagram)
    {
        if ((uint)(datagram.Length - 1) >= MaxDatagramSize)
        {
            _transport.CountSendDropped(); // empty (would read as a protocol error) or too long for a frame
            return;
        }

        var frameLength = HeaderSize + datagram.Length;
        bool failed;
        lock (_writeLock)
        {
            if (Volatile.Read(ref _state) != StateOpen)
            {
                _transport.CountSendDropped();
                return;
            }

            if (!HasSendRoom())
            {
                // The peer (or the path) is not keeping up: drop the whole frame like a full UDP queue
                // would, rather than block the sending thread (the TUN reader, the tick) behind one peer.
                _transport.CountSendCongested();
                return;
            }

            var buffer = _writeBuffer;
            if (buffer.Length < frameLength)
            {
                _writeBuffer = buffer = new byte[GrowTo(frameLength)];
            }

            BinaryPrimitives.WriteUInt16BigEndian(buffer, (ushort)datagram.Length);
            datagram.CopyTo(buffer.AsSpan(HeaderSize));
            try
            {
                // The array overload: SslStream's span overload would rent and copy.
                _stream!.Write(buffer, 0, frameLength);
                failed = false;
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
            {
                failed = true;
            }
        }

        if (failed)
        {
            // A timed-out or failed write may have sent part of the frame: the stream is no longer framed.
            _transport.CountSendDropped();
            Close("send failed");
        }
        else
        {
            _transport.CountFrameSent();
        }
    }

    public override void Close() => Close("closed locally");

    /// <summary>Closes with a reason (logged); the connection thread then reports the end. Idempotent.</summary>
    internal void Close(string reason)
    {
        Interlocked.CompareExchange(ref _closeReason, reason, null);
        ShutdownSocket();
    }

    /// <summary>Called by the sweeper: closes an open connection that has received nothing for too long.</summary>
    internal bool CloseIfIdle(long nowTicks, long idleMilliseconds)
    {
        if (Volatile.Read(ref _state) != StateOpen || nowTicks - Volatile.Read(ref _lastFrameTicks) < idleMilliseconds)
        {
            return false;
        }

        _transport.CountIdleTimeout(); // before the close, so the count is there when the handler hears of it
        Close("idle timeout");
        return true;
    }

    /// <summary>
    /// True when the kernel reports the socket writable (for TCP: at least a third of the send buffer
    /// free), so a frame almost surely goes out without waiting; <see cref="StreamTransportOptions.SendTimeout"/>
    /// bounds the rare wait that remains. One poll() per send, no allocation.
    /// </summary>
    private bool HasSendRoom()
    {
        try
        {
            return _socket.Poll(0, SelectMode.SelectWrite);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    private static int GrowTo(int needed) =>
        Math.Min(HeaderSize + MaxDatagramSize, Math.Max(needed, (int)Math.Min(int.MaxValue, 2L * needed)));

    private void ShutdownSocket()
    {
        try
        {
            // Wakes a thread blocked in connect/read/write on this socket before the descriptor goes.
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Not connected yet, or already gone.
        }

        _socket.Dispose();
    }

    private void Run()
    {
        var failure = _outbound ? ConnectOutbound() : OpenInbound();
        if (failure is not null)
        {
            ShutdownSocket();
            Volatile.Write(ref _state, StateClosed);
            _stream?.Dispose();
            _transport.Forget(this);
            var reason = Volatile.Read(ref _closeReason) ?? failure;
            if (_outbound)
            {
                _transport.ReportConnectFailed(_remote, _kind, reason);
            }
            else
            {
                _transport.ReportInboundFailed(_remote, _kind, reason);
            }

            return;
        }

        Volatile.Write(ref _lastFrameTicks, Environment.TickCount64);
        Volatile.Write(ref _state, StateOpen);
        _transport.ReportOpened(this);
        var ended = ReadFrames();
        ShutdownSocket();
        lock (_writeLock)
        {
            Volatile.Write(ref _state, StateClosed);
            _stream!.Dispose();
        }

        _transport.Forget(this);
        _transport.ReportClosed(this, Volatile.Read(ref _closeReason) ?? ended);
    }

    /// <summary>Connects (and for TLS shakes hands); null on success, else why not.</summary>
    /// <remarks>
    /// Only synchronous socket calls, on purpose: one async operation (or a non-blocking connect)
    /// switches the socket to .NET's emulated blocking mode for good, where every read or send that
    /// has to wait allocates. The connect is a plain blocking connect(); the sweeper enforces the
    /// timeout by shutting the socket down, which ends a connect in progress (SYN_SENT) at once.
    /// </remarks>
    private string? ConnectOutbound()
    {
        var timeout = _transport.Options.ConnectTimeout;
        SetDeadline(timeout, $"no answer within {timeout.TotalSeconds:0.###} s");
        try
        {
            _socket.Connect(_remote);
        }
        catch (SocketException e)
        {
            return Describe(e.SocketErrorCode);
        }
        catch (ObjectDisposedException)
        {
            return "closed while connecting";
        }

        var network = new NetworkStream(_socket, ownsSocket: false);
        if (_kind == TransportKind.Tcp)
        {
            _stream = network;
            return null;
        }

        var tls = new SslStream(network, leaveInnerStreamOpen: false);
        _stream = tls;
        return Handshake(tls, server: false);
    }

    /// <summary>Wraps an accepted socket (and for TLS shakes hands); null on success, else why not.</summary>
    private string? OpenInbound()
    {
        var network = new NetworkStream(_socket, ownsSocket: false);
        if (_kind == TransportKind.Tcp)
        {
            _stream = network;
            return null;
        }

        var tls = new SslStream(network, leaveInnerStreamOpen: false);
        _stream = tls;
        return Handshake(tls, server: true);
    }

    /// <summary>
    /// A synchronous TLS handshake (see <see cref="ConnectOutbound"/> for why not async); the sweeper
    /// closes the socket if it is not done by the deadline, which ends the blocked read.
    /// </summary>
    private string? Handshake(SslStream tls, bool server)
    {
        var timeout = _transport.Options.HandshakeTimeout;
        SetDeadline(timeout, $"TLS handshake not done within {timeout.TotalSeconds:0.###} s");
        try
        {
            if (server)
            {
                tls.AuthenticateAsServer(_transport.TlsServerOptions!);
            }
            else
            {
                tls.AuthenticateAsClient(StreamTransport.TlsClientOptions);
            }

            return null;
        }
        catch (Exception e) when (e is AuthenticationException or IOException or SocketException or ObjectDisposedException)
        {
            _transport.CountHandshakeFailure();
            return "TLS handshake failed: " + e.Message;
        }
    }

    /// <summary>Called by the sweeper: closes a connection still connecting or shaking hands past its deadline.</summary>
    internal void CloseIfOverdue(long nowTicks)
    {
        if (Volatile.Read(ref _deadline) is { } deadline && nowTicks > deadline.Ticks && Volatile.Read(ref _state) == StateOpening)
        {
            Close(deadline.Reason);
        }
    }

    private void SetDeadline(TimeSpan timeout, string reason) =>
        Volatile.Write(ref _deadline, new OpeningDeadline(Environment.TickCount64 + (long)timeout.TotalMilliseconds, reason));

    /// <summary>
    /// Reads and delivers frames until the stream ends; returns why it ended. Allocates nothing once
    /// the read buffer has grown to the largest frame seen. Jitted optimized at once: the method runs
    /// one loop for the connection's life, and a tier-up by on-stack replacement mid-run would allocate.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string ReadFrames()
    {
        var stream = _stream!;
        var handler = _transport.Handler;
        var buffer = _readBuffer;
        int start = 0;
        int end = 0;
        while (true)
        {
            // Deliver every complete frame in [start, end).
            int needed = HeaderSize;
            while (end - start >= HeaderSize)
            {
                int length = BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(start));
                if (length == 0)
                {
                    _transport.CountProtocolError();
                    return "zero-length frame (protocol error)";
                }

                if (end - start - HeaderSize < length)
                {
                    needed = HeaderSize + length;
                    break;
                }

                Volatile.Write(ref _lastFrameTicks, Environment.TickCount64);
                _transport.CountFrameReceived();
                handler.OnStreamDatagram(buffer.AsSpan(start + HeaderSize, length), this);
                start += HeaderSize + length;
            }

            // Make room for the rest of the frame in progress (or the next header).
            if (start == end)
            {
                start = end = 0;
            }
            else if (buffer.Length - start < needed)
            {
                var target = buffer;
                if (buffer.Length < needed)
                {
                    _readBuffer = target = new byte[GrowTo(needed)];
                }

                Buffer.BlockCopy(buffer, start, target, 0, end - start);
                buffer = target;
                end -= start;
                start = 0;
            }

            int read;
            try
            {
                // The array overload: SslStream's span overload would rent and copy.
                read = stream.Read(buffer, end, buffer.Length - end);
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
            {
                if (Volatile.Read(ref _closeReason) is null)
                {
                    _transport.CountBrokenStream();
                }

                return "read failed: " + (e.InnerException?.Message ?? e.Message);
            }

            if (read == 0)
            {
                if (end > start)
                {
                    _transport.CountBrokenStream();
                    return "peer closed the connection in the middle of a frame";
                }

                return "closed by the peer";
            }

            end += read;
        }
    }

    private static string Describe(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.TimedOut => "timed out",
        SocketError.NetworkUnreachable => "network unreachable",
        SocketError.HostUnreachable => "host unreachable",
        SocketError.AddressNotAvailable => "address not available",
        SocketError.ConnectionReset => "connection reset",
        SocketError.AccessDenied => "not permitted (firewall?)",
        _ => "connect failed: " + error,
    };

    /// <summary>The current opening step's deadline (Environment.TickCount64) and the failure reason if it passes.</summary>
    private sealed record OpeningDeadline(long Ticks, string Reason);
}
