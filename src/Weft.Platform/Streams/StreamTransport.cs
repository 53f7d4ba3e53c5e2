using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Weft.Core.Net;

namespace Weft.Platform.Streams;

/// <summary>
/// The TCP and TLS underlays: listens for framed connections on TCP [::]:tcpPort (dual-stack; the
/// same port number as the node's UDP port) and, on relay nodes, TLS on [::]:tlsPort (443 by
/// default), and opens outbound ones for the core (<see cref="IStreamConnector"/>). Every event goes
/// to one <see cref="IStreamHandler"/> (the mesh node). Frames are drawn in <see cref="StreamTransportConnection"/>.
/// </summary>
/// <remarks>
/// <code>
///  accept thread (per listener): accept ─ limit check ─ new connection + its thread
///  Connect(remote, kind) (any thread): limit check ─ new connection + its thread (connect, handshake)
///  connection thread (one each): open ─ OnStreamConnected ─ read frames → OnStreamDatagram ─ OnStreamClosed
///  senders (any threads): connection.Send ─ per-connection lock ─ room in the send buffer? ─ one write of header+payload
///                                                                  (no: drop and count, never wait)
///  sweeper thread: closes open connections idle for IdleTimeout, connects/handshakes past their timeouts
/// </code>
/// <para>TLS authenticates nothing here: the server certificate is self-signed and made at start,
/// clients accept any certificate and send no SNI. Who is on the other end is the hello's and the
/// WireGuard handshake's business; TLS only gets the datagrams through networks that allow nothing
/// but HTTPS.</para>
/// <para>Locks: <c>_connectionsLock</c> guards <c>_connections</c> and <c>_disposed</c> transitions
/// (a connection is added and its thread started under it, so Dispose sees every thread).</para>
/// </remarks>
public sealed class StreamTransport : IStreamConnector, IDisposable
{
    private const int ListenBacklog = 512;
    private const int SOL_SOCKET = 1;
    private const int SO_REUSEADDR = 2;

    private readonly ILogger _logger;
    private readonly Socket _tcpListener;
    private readonly Socket? _tlsListener;
    private readonly X509Certificate2? _certificate;
    private readonly ManualResetEventSlim _stopping = new();
    private readonly List<Thread> _threads = [];

    private readonly Lock _connectionsLock = new();
    private readonly HashSet<StreamTransportConnection> _connections = [];
    private bool _disposed;
    private bool _started;

    // Counters: Interlocked (many threads).
    private long _connectionsAccepted;
    private long _connectionsOpened;
    private long _connectionsRejected;
    private long _connectFailures;
    private long _handshakeFailures;
    private long _framesReceived;
    private long _framesSent;
    private long _sendDrops;
    private long _sendCongested;
    private long _protocolErrors;
    private long _brokenStreams;
    private long _idleTimeouts;

    /// <summary>
    /// Binds the TCP listener to [::]:<paramref name="tcpPort"/> and, when <paramref name="tlsPort"/>
    /// is given, the TLS listener to [::]:<paramref name="tlsPort"/> (0 = an ephemeral port for either).
    /// Nothing is accepted until <see cref="Start"/>. A TLS port that cannot be bound (in use, not
    /// permitted) is logged as a warning and the transport runs without TLS (<see cref="TlsPort"/> is null).
    /// </summary>
    /// <exception cref="IOException">The TCP port is in use or cannot be bound (the message says which).</exception>
    public StreamTransport(IStreamHandler handler, int tcpPort, int? tlsPort, ILogger? logger = null, StreamTransportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentOutOfRangeException.ThrowIfNegative(tcpPort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tcpPort, 65535);
        if (tlsPort is { } t)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(t, nameof(tlsPort));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(t, 65535, nameof(tlsPort));
        }

        Options = options ?? StreamTransportOptions.Default;
        Options.Validate();
        Handler = handler;
        _logger = logger ?? NullLogger.Instance;

        try
        {
            _tcpListener = Listen(tcpPort);
        }
        catch (SocketException e)
        {
            throw new IOException(e.SocketErrorCode == SocketError.AddressAlreadyInUse
                ? $"cannot listen on TCP port {tcpPort}: it is already in use — choose another port"
                : $"cannot listen on TCP port {tcpPort}: {e.Message}", e);
        }

        TcpPort = ((IPEndPoint)_tcpListener.LocalEndPoint!).Port;
        if (tlsPort is { } port)
        {
            try
            {
                _tlsListener = Listen(port);
                TlsPort = ((IPEndPoint)_tlsListener.LocalEndPoint!).Port;
                _certificate = SelfSignedCertificate.Create(DateTimeOffset.UtcNow);
                TlsServerOptions = new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = SslStreamCertificateContext.Create(_certificate, additionalCertificates: null, offline: true),
                    ClientCertificateRequired = false,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                };
            }
            catch (SocketException e)
            {
                _tlsListener?.Dispose();
                _tlsListener = null;
                TlsPort = null;
                StreamLog.TlsPortUnavailable(_logger, port, e.SocketErrorCode == SocketError.AddressAlreadyInUse ? "already in use" : e.Message);
            }
        }
    }

    /// <summary>The TCP port actually bound.</summary>
    public int TcpPort { get; }

    /// <summary>The TLS port actually bound, or null when TLS is off (not asked for, or the port was unavailable).</summary>
    public int? TlsPort { get; }

    public StreamTransportOptions Options { get; }

    /// <summary>Connections accepted by a listener (before any TLS handshake).</summary>
    public long ConnectionsAccepted => Interlocked.Read(ref _connectionsAccepted);

    /// <summary>Outbound connections that connected (and shook hands).</summary>
    public long ConnectionsOpened => Interlocked.Read(ref _connectionsOpened);

    /// <summary>Inbound connections turned away: over <see cref="StreamTransportOptions.MaxConnections"/>, or their TLS handshake failed.</summary>
    public long ConnectionsRejected => Interlocked.Read(ref _connectionsRejected);

    /// <summary>Outbound connects that failed (refused, timed out, handshake failed, too many connections).</summary>
    public long ConnectFailures => Interlocked.Read(ref _connectFailures);

    /// <summary>TLS handshakes that failed or timed out (either side).</summary>
    public long HandshakeFailures => Interlocked.Read(ref _handshakeFailures);

    public long FramesReceived => Interlocked.Read(ref _framesReceived);

    public long FramesSent => Interlocked.Read(ref _framesSent);

    /// <summary>Datagrams not sent: connection not open, congested, write failed or timed out, empty or over 65535 bytes.</summary>
    public long SendDrops => Interlocked.Read(ref _sendDrops);

    /// <summary>The part of <see cref="SendDrops"/> dropped because the connection's send buffer was nearly full.</summary>
    public long SendCongested => Interlocked.Read(ref _sendCongested);

    /// <summary>Connections closed for a zero-length frame.</summary>
    public long ProtocolErrors => Interlocked.Read(ref _protocolErrors);

    /// <summary>Connections that broke: read errors, or the peer closed in the middle of a frame.</summary>
    public long BrokenStreams => Interlocked.Read(ref _brokenStreams);

    /// <summary>Connections closed because nothing arrived for <see cref="StreamTransportOptions.IdleTimeout"/>.</summary>
    public long IdleTimeouts => Interlocked.Read(ref _idleTimeouts);

    /// <summary>Connections alive now (connecting, handshaking or open).</summary>
    public int ConnectionCount
    {
        get
        {
            lock (_connectionsLock)
            {
                return _connections.Count;
            }
        }
    }

    internal IStreamHandler Handler { get; }

    internal SslServerAuthenticationOptions? TlsServerOptions { get; }

    /// <summary>
    /// Client side of TLS: no SNI (empty target host), any server certificate accepted, no
    /// revocation lookups — see the remarks on <see cref="StreamTransport"/> for why that is safe here.
    /// </summary>
    internal static SslClientAuthenticationOptions TlsClientOptions { get; } = new()
    {
        TargetHost = "",
        RemoteCertificateValidationCallback = AcceptAnyCertificate,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
    };

    /// <summary>Threads owned by the transport (listeners, sweeper), for tests that check they end.</summary>
    internal IReadOnlyList<Thread> Threads => _threads;

    /// <summary>Starts accepting connections and the idle sweeper. Call once.</summary>
    public void Start()
    {
        lock (_connectionsLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_started)
            {
                throw new InvalidOperationException("Start was already called");
            }

            _started = true;
            StartThread(() => AcceptLoop(_tcpListener, TransportKind.Tcp), $"weft tcp accept :{TcpPort}");
            StreamLog.ListeningTcp(_logger, TcpPort);
            if (_tlsListener is { } tls)
            {
                StartThread(() => AcceptLoop(tls, TransportKind.Tls), $"weft tls accept :{TlsPort}");
                StreamLog.ListeningTls(_logger, TlsPort!.Value);
            }

            StartThread(SweepLoop, "weft stream sweeper");
        }
    }

    /// <summary>
    /// Starts connecting to <paramref name="remote"/> over <paramref name="kind"/> (Tcp or Tls); the
    /// outcome arrives later through the handler, from another thread. Ignored after <see cref="Dispose"/>.
    /// </summary>
    public void Connect(IPEndPoint remote, TransportKind kind)
    {
        ArgumentNullException.ThrowIfNull(remote);
        if (kind is not (TransportKind.Tcp or TransportKind.Tls))
        {
            throw new ArgumentException($"stream connections are Tcp or Tls, not {kind}", nameof(kind));
        }

        remote = Normalize(remote);
        lock (_connectionsLock)
        {
            if (_disposed)
            {
                return;
            }

            if (_connections.Count < Options.MaxConnections)
            {
                var connection = new StreamTransportConnection(this, kind, remote);
                _connections.Add(connection);
                connection.Thread.Start();
                return;
            }
        }

        // Over the limit: report from another thread, as every connect outcome is.
        ThreadPool.QueueUserWorkItem(
            static state => state.Transport.ReportConnectFailed(state.Remote, state.Kind, "too many connections"),
            (Transport: this, Remote: remote, Kind: kind),
            preferLocal: false);
    }

    /// <summary>Closes the listeners and every connection (each reports its end), and waits for all threads.</summary>
    public void Dispose()
    {
        StreamTransportConnection[] connections;
        lock (_connectionsLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            connections = [.. _connections];
        }

        _stopping.Set();
        CloseListener(_tcpListener);
        if (_tlsListener is not null)
        {
            CloseListener(_tlsListener);
        }

        foreach (var connection in connections)
        {
            connection.Close("transport closing");
        }

        var current = Thread.CurrentThread;
        var allEnded = true;
        foreach (var thread in _threads)
        {
            allEnded &= thread == current || thread.Join(TimeSpan.FromSeconds(5));
        }

        foreach (var connection in connections)
        {
            allEnded &= connection.Thread == current || connection.Thread.Join(TimeSpan.FromSeconds(5));
        }

        if (allEnded)
        {
            // Only once nobody can still be waiting on the event or handshaking with the certificate.
            _certificate?.Dispose();
            _stopping.Dispose();
        }
    }

    internal void CountFrameReceived() => Interlocked.Increment(ref _framesReceived);

    internal void CountFrameSent() => Interlocked.Increment(ref _framesSent);

    internal void CountSendDropped() => Interlocked.Increment(ref _sendDrops);

    internal void CountSendCongested()
    {
        Interlocked.Increment(ref _sendCongested);
        Interlocked.Increment(ref _sendDrops);
    }

    internal void CountProtocolError() => Interlocked.Increment(ref _protocolErrors);

    internal void CountBrokenStream() => Interlocked.Increment(ref _brokenStreams);

    internal void CountIdleTimeout() => Interlocked.Increment(ref _idleTimeouts);

    internal void CountHandshakeFailure() => Interlocked.Increment(ref _handshakeFailures);

    /// <summary>A connection's thread is about to end: it no longer counts against the limit.</summary>
    internal void Forget(StreamTransportConnection connection)
    {
        lock (_connectionsLock)
        {
            _connections.Remove(connection);
        }
    }

    internal void ReportOpened(StreamTransportConnection connection)
    {
        if (connection.Outbound)
        {
            Interlocked.Increment(ref _connectionsOpened);
        }

        if (_logger.IsEnabled(LogLevel.Debug))
        {
            StreamLog.ConnectionOpen(_logger, connection.ToString(), connection.Outbound ? "outbound" : "inbound");
        }

        Handler.OnStreamConnected(connection);
    }

    internal void ReportClosed(StreamTransportConnection connection, string reason)
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            StreamLog.ConnectionClosed(_logger, connection.ToString(), reason);
        }

        Handler.OnStreamClosed(connection);
    }

    internal void ReportConnectFailed(IPEndPoint remote, TransportKind kind, string reason)
    {
        Interlocked.Increment(ref _connectFailures);
        StreamLog.ConnectFailed(_logger, KindName(kind), remote, reason);
        Handler.OnStreamConnectFailed(remote, kind, reason);
    }

    internal void ReportInboundFailed(IPEndPoint remote, TransportKind kind, string reason)
    {
        Interlocked.Increment(ref _connectionsRejected);
        StreamLog.InboundRejected(_logger, KindName(kind), remote, reason);
    }

    private static string KindName(TransportKind kind) => kind == TransportKind.Tls ? "TLS" : "TCP";

    private static bool AcceptAnyCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) => true;

    /// <summary>IPv4 peers appear as plain IPv4 (not ::ffff:a.b.c.d), in an instance of our own.</summary>
    private static IPEndPoint Normalize(IPEndPoint endpoint) =>
        new(endpoint.Address.IsIPv4MappedToIPv6 ? endpoint.Address.MapToIPv4() : endpoint.Address, endpoint.Port);

    private static Socket Listen(int port)
    {
        var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
        try
        {
            // SO_REUSEADDR only (binding over TIME_WAIT leftovers after a restart). Not the managed
            // ReuseAddress option: on Linux it also sets SO_REUSEPORT, which would let two daemons share the port.
            Span<byte> one = stackalloc byte[sizeof(int)];
            MemoryMarshal.Write(one, 1);
            socket.SetRawSocketOption(SOL_SOCKET, SO_REUSEADDR, one);
            socket.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
            socket.Listen(ListenBacklog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static void CloseListener(Socket listener)
    {
        try
        {
            // Wakes the accept thread (Linux returns EINVAL from a blocked accept after shutdown).
            listener.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }

        listener.Dispose();
    }

    private void StartThread(ThreadStart body, string name)
    {
        var thread = new Thread(body) { IsBackground = true, Name = name };
        _threads.Add(thread);
        thread.Start();
    }

    private void AcceptLoop(Socket listener, TransportKind kind)
    {
        while (!_stopping.IsSet)
        {
            Socket accepted;
            try
            {
                accepted = listener.Accept();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                if (_stopping.IsSet)
                {
                    return;
                }

                // Out of descriptors or a connection reset before accept: pause briefly instead of spinning.
                _stopping.Wait(50);
                continue;
            }

            Interlocked.Increment(ref _connectionsAccepted);
            var remote = Normalize((IPEndPoint)accepted.RemoteEndPoint!);
            lock (_connectionsLock)
            {
                if (!_disposed && _connections.Count < Options.MaxConnections)
                {
                    var connection = new StreamTransportConnection(this, kind, accepted, remote);
                    _connections.Add(connection);
                    connection.Thread.Start();
                    continue;
                }
            }

            // Counted before the close, so whoever sees the connection refused also sees it counted.
            ReportInboundFailed(remote, kind, "too many connections");
            accepted.Dispose();
        }
    }

    private void SweepLoop()
    {
        var idle = (long)Options.IdleTimeout.TotalMilliseconds;
        var shortest = Math.Min(idle, (long)Math.Min(Options.HandshakeTimeout.TotalMilliseconds, Options.ConnectTimeout.TotalMilliseconds));
        var interval = TimeSpan.FromMilliseconds(Math.Clamp(shortest / 4, 10, 1000));
        var snapshot = new List<StreamTransportConnection>();
        while (!_stopping.Wait(interval))
        {
            snapshot.Clear();
            lock (_connectionsLock)
            {
                snapshot.AddRange(_connections);
            }

            var now = Environment.TickCount64;
            foreach (var connection in snapshot)
            {
                connection.CloseIfOverdue(now);
                connection.CloseIfIdle(now, idle);
            }
        }
    }
}
