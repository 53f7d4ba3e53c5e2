using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Weft.Core.Net;
using Weft.Platform.Streams;
using Xunit;

namespace Weft.Platform.Tests.Streams;

/// <summary>Peers that misbehave or vanish, ports that are closed, connections that go quiet: counted, closed, never a crash.</summary>
public sealed class StreamTransportFailureTests
{
    [Fact]
    public void A_zero_length_frame_closes_the_connection_and_is_counted()
    {
        var events = new RecordingStreamHandler();
        using var transport = StreamTransportTests.Started(events);
        using var peer = RawConnect(transport.TcpPort);
        var connection = events.NextConnected();

        Log("raw peer sends a good frame, then a frame of length 0");
        peer.Send([0, 3, (byte)'a', (byte)'b', (byte)'c', 0, 0, 0, 1, (byte)'x']);
        Assert.Equal("abc"u8.ToArray(), events.NextDatagram().Data);
        Assert.Same(connection, events.NextClosed());
        Assert.Equal(1, transport.ProtocolErrors);
        Assert.Empty(events.Datagrams); // nothing after the bad frame is delivered
        AssertClosedByTransport(peer);
    }

    [Fact]
    public void A_peer_that_closes_in_the_middle_of_a_frame_is_a_broken_stream()
    {
        var events = new RecordingStreamHandler();
        using var transport = StreamTransportTests.Started(events);
        using (var peer = RawConnect(transport.TcpPort))
        {
            events.NextConnected();
            Log("raw peer announces 1000 bytes, sends 10, closes");
            peer.Send([0x03, 0xE8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        }

        events.NextClosed();
        Assert.Equal(1, transport.BrokenStreams);
        Assert.Empty(events.Datagrams);

        Log("a peer that closes in the middle of the length is broken too");
        using (var peer = RawConnect(transport.TcpPort))
        {
            events.NextConnected();
            peer.Send([0x01]);
        }

        events.NextClosed();
        Assert.Equal(2, transport.BrokenStreams);
    }

    [Fact]
    public void Random_garbage_is_delivered_as_frames_or_closes_the_connection_but_never_crashes()
    {
        var events = new RecordingStreamHandler();
        using var transport = StreamTransportTests.Started(events);
        var random = new Random(7);
        long frames = 0, zeroLengths = 0, broken = 0;
        for (int round = 0; round < 20; round++)
        {
            var garbage = new byte[random.Next(1, 200_000)];
            random.NextBytes(garbage);
            var expected = Deframe(garbage);
            frames += expected.Frames;
            zeroLengths += expected.Outcome == "zero length" ? 1 : 0;
            broken += expected.Outcome == "mid-frame" ? 1 : 0;
            using (var peer = RawConnect(transport.TcpPort))
            {
                events.NextConnected();
                try
                {
                    peer.Send(garbage);
                }
                catch (SocketException)
                {
                    // The transport may already have closed on a zero length; that is the point.
                }
            }

            events.NextClosed();
        }

        Log($"20 garbage streams: {transport.FramesReceived} frames delivered, {transport.ProtocolErrors} zero lengths, {transport.BrokenStreams} broken");
        Assert.Equal(frames, transport.FramesReceived);
        Assert.Equal(frames, events.Datagrams.Count);
        Assert.Equal(zeroLengths, transport.ProtocolErrors);
        Assert.Equal(broken, transport.BrokenStreams);
        while (events.Datagrams.TryTake(out _))
        {
        }
        Assert.Equal(0, transport.ConnectionCount);

        // Still serving.
        using var last = RawConnect(transport.TcpPort);
        events.NextConnected();
        last.Send([0, 1, 42]);
        Assert.Equal([42], events.NextDatagram().Data);
    }

    [Fact]
    public void Non_tls_bytes_on_the_tls_port_fail_the_handshake_without_a_connection_report()
    {
        var events = new RecordingStreamHandler();
        using var transport = StreamTransportTests.Started(events);
        using (var peer = RawConnect(transport.TlsPort!.Value))
        {
            peer.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8);
            var buffer = new byte[1024];
            peer.ReceiveTimeout = 10_000;
            while (peer.Receive(buffer) > 0)
            {
            }
        }

        WaitUntil(() => transport.ConnectionsRejected == 1, "inbound connection turned away");
        Assert.Equal(1, transport.HandshakeFailures);
        Assert.Empty(events.Connected);
        Assert.Empty(events.Closed);
        Assert.Equal(0, transport.ConnectionCount);
    }

    [Fact]
    public void Connecting_to_a_closed_port_fails_promptly_with_a_reason()
    {
        int closedPort;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            closedPort = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        var events = new RecordingStreamHandler();
        using var transport = StreamTransportTests.Started(events);
        foreach (var kind in new[] { TransportKind.Tcp, TransportKind.Tls })
        {
            var clock = Stopwatch.StartNew();
            var remote = new IPEndPoint(IPAddress.Loopback, closedPort);
            transport.Connect(remote, kind);
            var (failedRemote, failedKind, reason) = events.NextFailed();
            Log($"{kind} to {remote}: failed after {clock.ElapsedMilliseconds} ms: {reason}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2));
            Assert.Equal(remote, failedRemote);
            Assert.Equal(kind, failedKind);
            Assert.Equal("connection refused", reason);
        }

        Assert.Equal(2, transport.ConnectFailures);
        Assert.Empty(events.Connected);
        Assert.Equal(0, transport.ConnectionCount);
    }

    [Fact]
    public void A_connect_that_gets_no_answer_fails_after_the_connect_timeout()
    {
        // A listener whose accept queue is full: Linux drops further SYNs, so a connect hangs like one to a dead host.
        using var full = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        full.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        full.Listen(0);
        var remote = (IPEndPoint)full.LocalEndPoint!;
        using var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        filler.Connect(remote);

        var events = new RecordingStreamHandler();
        using var transport = StreamTransportTests.Started(events, new StreamTransportOptions { ConnectTimeout = TimeSpan.FromMilliseconds(300) });
        var clock = Stopwatch.StartNew();
        transport.Connect(remote, TransportKind.Tcp);
        var failure = events.NextFailed();
        Log($"failed after {clock.ElapsedMilliseconds} ms: {failure.Reason}");
        Assert.Equal("no answer within 0.3 s", failure.Reason);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
        Assert.Equal(0, transport.ConnectionCount);
        Assert.Empty(events.Connected);
    }

    [Fact]
    public void A_tls_server_that_never_answers_fails_the_connect_after_the_handshake_timeout()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        silent.Listen(); // the kernel completes the TCP handshake; nobody ever speaks TLS

        var events = new RecordingStreamHandler();
        using var transport = StreamTransportTests.Started(events, new StreamTransportOptions { HandshakeTimeout = TimeSpan.FromMilliseconds(300) });
        var clock = Stopwatch.StartNew();
        transport.Connect((IPEndPoint)silent.LocalEndPoint!, TransportKind.Tls);
        var failure = events.NextFailed();
        Log($"failed after {clock.ElapsedMilliseconds} ms: {failure.Reason}");
        Assert.StartsWith("TLS handshake not done within 0.3 s", failure.Reason, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
        Assert.Equal(1, transport.HandshakeFailures);
    }

    [Fact]
    public void A_tls_client_that_never_says_hello_is_dropped_after_the_handshake_timeout()
    {
        var events = new RecordingStreamHandler();
        using var transport = StreamTransportTests.Started(events, new StreamTransportOptions { HandshakeTimeout = TimeSpan.FromMilliseconds(300) });
        using var peer = RawConnect(transport.TlsPort!.Value);
        var clock = Stopwatch.StartNew();
        AssertClosedByTransport(peer);
        Log($"silent TLS client dropped after {clock.ElapsedMilliseconds} ms");
        WaitUntil(() => transport.HandshakeFailures == 1, "handshake failure counted");
        Assert.Empty(events.Connected);
    }

    [Theory]
    [InlineData(TransportKind.Tcp)]
    [InlineData(TransportKind.Tls)]
    public void A_connection_with_no_frames_for_the_idle_timeout_is_closed(TransportKind kind)
    {
        var idle = TimeSpan.FromMilliseconds(400);
        var atServer = new RecordingStreamHandler();
        var atClient = new RecordingStreamHandler();
        using var server = StreamTransportTests.Started(atServer, new StreamTransportOptions { IdleTimeout = idle });
        using var client = StreamTransportTests.Started(atClient);
        client.Connect(new IPEndPoint(IPAddress.Loopback, StreamTransportTests.PortOf(server, kind)), kind);
        var outbound = atClient.NextConnected();
        var inbound = atServer.NextConnected();
        var clock = Stopwatch.StartNew();

        Log("frames every 100 ms keep it open past the idle timeout");
        for (int i = 0; i < 8; i++)
        {
            outbound.Send("keepalive"u8);
            atServer.NextDatagram();
            Thread.Sleep(100);
        }

        Assert.True(inbound is StreamTransportConnection { IsOpen: true });
        Assert.Equal(0, server.IdleTimeouts);

        Log("then silence: the server closes it");
        var quiet = Stopwatch.StartNew();
        Assert.Same(inbound, atServer.NextClosed());
        Assert.Same(outbound, atClient.NextClosed());
        Log($"closed {quiet.ElapsedMilliseconds} ms after the last frame");
        Assert.InRange(quiet.Elapsed, idle - TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(5));
        Assert.Equal(1, server.IdleTimeouts);
        Assert.Equal(0, server.BrokenStreams);
        _ = clock;
    }

    internal static Socket RawConnect(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Connect(IPAddress.Loopback, port);
        return socket;
    }

    /// <summary>Waits until the transport closes its end: a read returns 0 (or the connection is reset).</summary>
    private static void AssertClosedByTransport(Socket peer)
    {
        peer.ReceiveTimeout = 10_000;
        var buffer = new byte[256];
        try
        {
            while (true)
            {
                if (peer.Receive(buffer) == 0)
                {
                    return;
                }
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
        }
    }

    /// <summary>What the framing makes of a byte stream: frames before the end, and how it ends.</summary>
    private static (int Frames, string Outcome) Deframe(byte[] stream)
    {
        int offset = 0, frames = 0;
        while (offset < stream.Length)
        {
            if (stream.Length - offset < 2)
            {
                return (frames, "mid-frame");
            }

            int length = (stream[offset] << 8) | stream[offset + 1];
            if (length == 0)
            {
                return (frames, "zero length");
            }

            if (stream.Length - offset - 2 < length)
            {
                return (frames, "mid-frame");
            }

            frames++;
            offset += 2 + length;
        }

        return (frames, "clean");
    }

    private static void WaitUntil(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"timed out waiting: {what}");
            Thread.Sleep(5);
        }
    }

    private static void Log(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);
}
