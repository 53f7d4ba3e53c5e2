using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Weft.Core.Net;
using Weft.Platform.Streams;
using Xunit;

namespace Weft.Platform.Tests.Streams;

/// <summary>Two real stream transports on loopback: connecting both ways over TCP and TLS, framing, order, limits, shutdown.</summary>
public sealed class StreamTransportTests
{
    public static TheoryData<TransportKind, string> KindsAndLoopbacks => new()
    {
        { TransportKind.Tcp, "127.0.0.1" },
        { TransportKind.Tcp, "::1" },
        { TransportKind.Tls, "127.0.0.1" },
        { TransportKind.Tls, "::1" },
    };

    public static TheoryData<TransportKind> Kinds => [TransportKind.Tcp, TransportKind.Tls];

    [Theory]
    [MemberData(nameof(KindsAndLoopbacks))]
    public void Two_transports_connect_both_ways_and_exchange_datagrams(TransportKind kind, string loopback)
    {
        var address = IPAddress.Parse(loopback);
        var atAlice = new RecordingStreamHandler();
        var atBob = new RecordingStreamHandler();
        using var alice = Started(atAlice);
        using var bob = Started(atBob);

        foreach (var (name, from, fromEvents, to, toEvents) in new[] { ("alice -> bob", alice, atAlice, bob, atBob), ("bob -> alice", bob, atBob, alice, atAlice) })
        {
            var remote = new IPEndPoint(address, PortOf(to, kind));
            Log($"{name}: connect over {kind} to {remote}");
            from.Connect(remote, kind);
            var outbound = fromEvents.NextConnected();
            var inbound = toEvents.NextConnected();
            Assert.True(outbound.Outbound);
            Assert.False(inbound.Outbound);
            Assert.Equal(kind, outbound.Kind);
            Assert.Equal(kind, inbound.Kind);
            Assert.Equal(remote, outbound.Remote);
            Assert.Equal(address, inbound.Remote.Address); // IPv4 reported as plain IPv4, not ::ffff:
            Assert.Equal($"{(kind == TransportKind.Tls ? "tls" : "tcp")} {remote}", outbound.ToString());
            Log($"connected: {outbound} (outbound) and {inbound} (inbound)");

            outbound.Send("ping"u8);
            var ping = toEvents.NextDatagram();
            Assert.Equal("ping"u8.ToArray(), ping.Data);
            Assert.Same(inbound, ping.Connection);

            inbound.Send("pong"u8);
            var pong = fromEvents.NextDatagram();
            Assert.Equal("pong"u8.ToArray(), pong.Data);
            Assert.Same(outbound, pong.Connection);
            Assert.True(outbound.Equals(pong.Connection));
            Assert.False(outbound.Equals(inbound));

            outbound.Close();
            Assert.Same(outbound, fromEvents.NextClosed());
            Assert.Same(inbound, toEvents.NextClosed());
            Log("closed; both sides reported it once");
        }

        Assert.Equal(4, alice.FramesSent + bob.FramesSent);
        Assert.Equal(0, alice.BrokenStreams + bob.BrokenStreams + alice.SendDrops + bob.SendDrops);
        Assert.Empty(atAlice.Closed);
        Assert.Empty(atBob.Closed);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Datagrams_of_every_size_cross_intact_and_in_order(TransportKind kind)
    {
        var atServer = new RecordingStreamHandler();
        var atClient = new RecordingStreamHandler();
        using var server = Started(atServer);
        using var client = Started(atClient);
        client.Connect(new IPEndPoint(IPAddress.Loopback, PortOf(server, kind)), kind);
        var outbound = atClient.NextConnected();
        var inbound = atServer.NextConnected();

        // Every size 1..1500, then a stride across the rest, then the largest.
        var sizes = new List<int>();
        for (int size = 1; size <= 1500; size++)
        {
            sizes.Add(size);
        }

        for (int size = 1501; size < 65535; size += 997)
        {
            sizes.Add(size);
        }

        sizes.Add(65534);
        sizes.Add(65535);
        Log($"{kind}: sending {sizes.Count} datagrams of 1..65535 bytes each way");

        foreach (var (sender, receiver) in new[] { (outbound, atServer), (inbound, atClient) })
        {
            var sending = new Thread(() =>
            {
                long alreadyReceived = receiver.Received;
                for (int i = 0; i < sizes.Count; i++)
                {
                    receiver.WaitForWindow(alreadyReceived + i, window: 8);
                    sender.Send(Pattern(sizes[i], i));
                }
            });
            sending.Start();

            for (int i = 0; i < sizes.Count; i++)
            {
                var (data, connection) = receiver.NextDatagram();
                Assert.Same(sender == outbound ? inbound : outbound, connection);
                Assert.Equal(sizes[i], data.Length);
                Assert.True(data.AsSpan().SequenceEqual(Pattern(sizes[i], i)), $"datagram {i} ({sizes[i]} bytes) differs");
            }

            Assert.True(sending.Join(RecordingStreamHandler.Wait));
        }

        Assert.Equal(0, client.SendCongested + server.SendCongested);
        Assert.Equal(2 * sizes.Count, client.FramesSent + server.FramesSent);
        Assert.Equal(2 * sizes.Count, client.FramesReceived + server.FramesReceived);
        Assert.Equal(0, client.SendDrops + server.SendDrops);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Many_small_frames_sent_quickly_all_arrive_in_order(TransportKind kind)
    {
        const int Count = 200_000;
        var atServer = new RecordingStreamHandler();
        var atClient = new RecordingStreamHandler();
        long next = 0;
        bool inOrder = true;
        using var done = new ManualResetEventSlim();
        atServer.OnDatagram = (datagram, _) =>
        {
            if (datagram.Length != 8 || BitConverter.ToInt64(datagram) != next)
            {
                inOrder = false;
            }

            if (++next == Count)
            {
                done.Set();
            }
        };

        using var server = Started(atServer);
        using var client = Started(atClient);
        client.Connect(new IPEndPoint(IPAddress.Loopback, PortOf(server, kind)), kind);
        var outbound = atClient.NextConnected();
        atServer.NextConnected();

        var clock = Stopwatch.StartNew();
        Span<byte> frame = stackalloc byte[8];
        for (long i = 0; i < Count; i++)
        {
            atServer.WaitForWindow(i, window: 4096);
            BitConverter.TryWriteBytes(frame, i);
            outbound.Send(frame);
        }

        Assert.True(done.Wait(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken), $"only {Volatile.Read(ref next)} of {Count} arrived");
        Log($"{kind}: {Count} frames of 8 bytes in {clock.ElapsedMilliseconds} ms");
        Assert.True(inOrder);
        Assert.Equal(Count, server.FramesReceived);
        Assert.Equal(0, client.SendDrops);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_peer_that_stops_reading_costs_dropped_frames_not_a_blocked_sender(TransportKind kind)
    {
        var atServer = new RecordingStreamHandler();
        var atClient = new RecordingStreamHandler();
        using var gate = new ManualResetEventSlim();
        atServer.OnDatagram = (_, _) => gate.Wait(TimeSpan.FromSeconds(30)); // the server's read thread stops reading
        using var server = Started(atServer);
        using var client = Started(atClient);
        client.Connect(new IPEndPoint(IPAddress.Loopback, PortOf(server, kind)), kind);
        var outbound = atClient.NextConnected();
        atServer.NextConnected();

        var big = new byte[60_000];
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 2000; i++)
        {
            outbound.Send(big);
        }

        Log($"{kind}: 2000 sends of 60000 bytes to a stalled reader took {clock.ElapsedMilliseconds} ms; sent {client.FramesSent}, dropped {client.SendCongested} as congested");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), "the sender was blocked");
        Assert.True(client.SendCongested > 0);
        Assert.Equal(2000, client.FramesSent + client.SendCongested);
        Assert.True(outbound is StreamTransportConnection { IsOpen: true }, "congestion is not a reason to close");

        atServer.OnDatagram = null;
        gate.Set();
        atServer.WaitForWindow(client.FramesSent, window: 0); // the backlog drains
        outbound.Send("after"u8);
        int bigFrames = 0;
        while (true)
        {
            var (data, _) = atServer.NextDatagram();
            if (data.Length != big.Length)
            {
                Assert.Equal("after"u8.ToArray(), data); // the stream is still framed after the drops
                break;
            }

            bigFrames++;
        }

        Assert.InRange(bigFrames, client.FramesSent - 2, client.FramesSent); // all sent frames arrive (one may have gone through the callback)
    }

    [Fact]
    public void Dispose_closes_listeners_and_every_connection_and_ends_all_threads()
    {
        var atAlice = new RecordingStreamHandler();
        var atBob = new RecordingStreamHandler();
        using var bob = Started(atBob);
        var alice = Started(atAlice);
        alice.Connect(new IPEndPoint(IPAddress.Loopback, bob.TcpPort), TransportKind.Tcp);
        alice.Connect(new IPEndPoint(IPAddress.Loopback, bob.TlsPort!.Value), TransportKind.Tls);
        bob.Connect(new IPEndPoint(IPAddress.IPv6Loopback, alice.TcpPort), TransportKind.Tcp);
        bob.Connect(new IPEndPoint(IPAddress.IPv6Loopback, alice.TlsPort!.Value), TransportKind.Tls);
        var aliceConnections = Enumerable.Range(0, 4).Select(_ => atAlice.NextConnected()).ToList();
        for (int i = 0; i < 4; i++)
        {
            atBob.NextConnected();
        }

        Assert.Equal(4, alice.ConnectionCount);
        var threads = alice.Threads.ToList();
        var (tcpPort, tlsPort) = (alice.TcpPort, alice.TlsPort.Value);
        Log($"alice has 4 connections (2 in, 2 out), tcp :{tcpPort}, tls :{tlsPort}; disposing alice");

        alice.Dispose();

        var closedAtAlice = Enumerable.Range(0, 4).Select(_ => atAlice.NextClosed()).ToHashSet();
        Assert.True(closedAtAlice.SetEquals(aliceConnections), "every connection reports its close once");
        for (int i = 0; i < 4; i++)
        {
            atBob.NextClosed();
        }

        Assert.Equal(0, alice.ConnectionCount);
        Assert.All(threads, t => Assert.False(t.IsAlive, $"thread {t.Name} still running"));
        Assert.Empty(atAlice.Closed);

        foreach (var connection in aliceConnections)
        {
            connection.Send("after dispose"u8); // dropped and counted, never thrown
        }

        Assert.Equal(4, alice.SendDrops);
        foreach (var port in new[] { tcpPort, tlsPort })
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            var refused = Assert.Throws<SocketException>(() => probe.Connect(IPAddress.Loopback, port));
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        }

        alice.Connect(new IPEndPoint(IPAddress.Loopback, bob.TcpPort), TransportKind.Tcp); // ignored after dispose
        Assert.False(atAlice.Failed.TryTake(out _, TimeSpan.FromMilliseconds(200)));
        Log("all closed, threads ended, ports free, sends dropped");
    }

    [Fact]
    public void Connections_beyond_the_limit_are_refused_both_ways()
    {
        var atServer = new RecordingStreamHandler();
        var atClient = new RecordingStreamHandler();
        using var server = Started(atServer, new StreamTransportOptions { MaxConnections = 2 });
        using var client = Started(atClient, new StreamTransportOptions { MaxConnections = 3 });
        var remote = new IPEndPoint(IPAddress.Loopback, server.TcpPort);
        client.Connect(remote, TransportKind.Tcp);
        client.Connect(remote, TransportKind.Tcp);
        atClient.NextConnected();
        atClient.NextConnected();
        atServer.NextConnected();
        atServer.NextConnected();

        Log("server at its limit of 2: a third inbound connection is accepted by the kernel, then closed");
        client.Connect(remote, TransportKind.Tcp);
        var third = atClient.NextConnected();
        Assert.Same(third, atClient.NextClosed());
        Assert.Equal(1, server.ConnectionsRejected);
        Assert.Empty(atServer.Connected);

        var settled = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while ((client.ConnectionCount != 2 || server.ConnectionCount != 2) && DateTime.UtcNow < settled)
        {
            Thread.Sleep(10); // the refused third connection is being torn down on both sides
        }

        Assert.Equal(2, client.ConnectionCount);
        Log("client at its limit of 3 (two open + one more): the next connect fails at once");
        client.Connect(new IPEndPoint(IPAddress.Loopback, server.TlsPort!.Value), TransportKind.Tls);
        client.Connect(new IPEndPoint(IPAddress.Loopback, server.TlsPort!.Value), TransportKind.Tls);
        var reasons = new[] { atClient.NextFailed().Reason, atClient.NextFailed().Reason };
        Log($"failures: {string.Join("; ", reasons)}");
        Assert.Contains(reasons, r => r.Contains("too many connections", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.StartsWith("TLS handshake", StringComparison.Ordinal)); // the server turned that one away
        Assert.Equal(2, server.ConnectionsRejected);
        Assert.Equal(2, client.ConnectFailures);
    }

    [Fact]
    public void A_tls_port_in_use_is_a_warning_not_an_error_but_a_tcp_port_in_use_is()
    {
        using var squatter = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
        squatter.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));
        squatter.Listen();
        int busy = ((IPEndPoint)squatter.LocalEndPoint!).Port;

        using (var transport = new StreamTransport(new RecordingStreamHandler(), 0, busy))
        {
            Assert.Null(transport.TlsPort);
            Assert.NotEqual(0, transport.TcpPort);
            Log($"TLS port {busy} busy: runs on TCP :{transport.TcpPort} without TLS");
        }

        var error = Assert.Throws<IOException>(() => new StreamTransport(new RecordingStreamHandler(), busy, null));
        Assert.Contains("already in use", error.Message, StringComparison.Ordinal);
        Log(error.Message);
    }

    internal static StreamTransport Started(RecordingStreamHandler handler, StreamTransportOptions? options = null)
    {
        var transport = new StreamTransport(handler, 0, 0, null, options);
        transport.Start();
        return transport;
    }

    internal static int PortOf(StreamTransport transport, TransportKind kind) =>
        kind == TransportKind.Tls ? transport.TlsPort!.Value : transport.TcpPort;

    private static byte[] Pattern(int size, int seed)
    {
        var data = new byte[size];
        for (int i = 0; i < size; i++)
        {
            data[i] = (byte)(i * 31 + seed);
        }

        return data;
    }

    private static void Log(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);
}
