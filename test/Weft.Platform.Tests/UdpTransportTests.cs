using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Weft.Tests;
using Xunit;

namespace Weft.Platform.Tests;

/// <summary>Two real transports on loopback: delivery both ways, source reporting, allocation, errors, shutdown.</summary>
public sealed class UdpTransportTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void Two_transports_exchange_datagrams_both_ways_and_see_each_others_source(string loopback)
    {
        var address = IPAddress.Parse(loopback);
        using var alice = new UdpTransport(0);
        using var bob = new UdpTransport(0);
        Assert.NotEqual(0, alice.LocalPort);
        var atAlice = new BlockingCollection<(byte[] Data, IPEndPoint Source)>();
        var atBob = new BlockingCollection<(byte[] Data, IPEndPoint Source)>();
        alice.StartReceiving((datagram, source) => atAlice.Add((datagram.ToArray(), source)));
        bob.StartReceiving((datagram, source) => atBob.Add((datagram.ToArray(), source)));

        Log($"alice :{alice.LocalPort} -> bob {address}:{bob.LocalPort}");
        alice.Send("hello bob"u8, new IPEndPoint(address, bob.LocalPort));
        Assert.True(atBob.TryTake(out var first, TimeSpan.FromSeconds(5)), "bob received nothing");
        Assert.Equal("hello bob"u8.ToArray(), first.Data);
        Assert.Equal(new IPEndPoint(address, alice.LocalPort), first.Source);
        Assert.Equal(address.AddressFamily, first.Source.AddressFamily); // IPv4 reported as plain IPv4, not ::ffff:
        Log($"bob saw it from {first.Source}; replies there");

        bob.Send("hello alice"u8, first.Source);
        Assert.True(atAlice.TryTake(out var reply, TimeSpan.FromSeconds(5)), "alice received nothing");
        Assert.Equal("hello alice"u8.ToArray(), reply.Data);
        Assert.Equal(new IPEndPoint(address, bob.LocalPort), reply.Source);

        Assert.Equal(1, alice.DatagramsSent);
        Assert.Equal(1, bob.DatagramsReceived);
        Assert.Equal(0, alice.SendErrors + bob.SendErrors);
    }

    [Fact]
    public void Steady_state_send_and_receive_allocate_nothing()
    {
        const int WarmUp = 1000, Measured = 10_000, Total = WarmUp + Measured;
        using var sender = new UdpTransport(0);
        using var receiver = new UdpTransport(0);
        long received = 0, startBytes = 0, endBytes = 0;
        bool payloadIntact = true;
        receiver.StartReceiving((datagram, source) =>
        {
            long n = Interlocked.Increment(ref received);
            if (datagram.Length != 100 || datagram[0] != 0xAB)
            {
                payloadIntact = false;
            }

            if (n == WarmUp)
            {
                Volatile.Write(ref startBytes, GC.GetAllocatedBytesForCurrentThread());
            }
            else if (n == Total)
            {
                Volatile.Write(ref endBytes, GC.GetAllocatedBytesForCurrentThread());
            }
        });

        var payload = new byte[100];
        payload[0] = 0xAB;
        var destination = new IPEndPoint(IPAddress.Loopback, receiver.LocalPort);
        var deadline = Stopwatch.StartNew();

        Func<long> receivedSoFar = () => Interlocked.Read(ref received);

        SendPaced(sender, payload, destination, 0, WarmUp, receivedSoFar, deadline);
        long before = GC.GetAllocatedBytesForCurrentThread();
        SendPaced(sender, payload, destination, WarmUp, Total, receivedSoFar, deadline);
        long sendAllocated = GC.GetAllocatedBytesForCurrentThread() - before;

        while (Interlocked.Read(ref received) < Total && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            Thread.Sleep(1);
        }

        Log($"sent {sender.DatagramsSent}, received {received}; send thread allocated {sendAllocated} B, receive thread {Volatile.Read(ref endBytes) - Volatile.Read(ref startBytes)} B over {Measured} datagrams");
        Assert.Equal(Total, Interlocked.Read(ref received));
        Assert.True(payloadIntact);
        Assert.Equal(0, sendAllocated);
        Assert.Equal(0, Volatile.Read(ref endBytes) - Volatile.Read(ref startBytes));
        Assert.Equal(0, sender.SendErrors);
    }

    [Fact]
    public void Sending_to_a_closed_port_does_not_throw()
    {
        int closedPort;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            closedPort = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        using var transport = new UdpTransport(0);
        transport.StartReceiving((_, _) => { });
        for (int i = 0; i < 5; i++)
        {
            transport.Send("anyone?"u8, new IPEndPoint(IPAddress.Loopback, closedPort));
            transport.Send("anyone?"u8, new IPEndPoint(IPAddress.IPv6Loopback, closedPort));
            Thread.Sleep(10); // let the ICMP port-unreachable come back between sends
        }

        Log($"sent {transport.DatagramsSent}, send errors {transport.SendErrors}, receive errors {transport.ReceiveErrors}");
        Assert.Equal(10, transport.DatagramsSent + transport.SendErrors);
    }

    [Fact]
    public void Dispose_stops_the_receive_thread_promptly_and_later_sends_are_counted()
    {
        var transport = new UdpTransport(0);
        transport.StartReceiving((_, _) => { });
        var thread = transport.ReceiveThread!;
        Thread.Sleep(100); // the thread is blocked in recvfrom by design; nothing to await
        var clock = Stopwatch.StartNew();
        transport.Dispose();
        Log($"dispose took {clock.ElapsedMilliseconds} ms");
        Assert.False(thread.IsAlive);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2));
        transport.Send("late"u8, new IPEndPoint(IPAddress.Loopback, 9));
        Assert.Equal(1, transport.SendErrors);
    }

    [Fact]
    public void As_root_the_socket_buffers_are_raised_to_4_MiB()
    {
        Requires.Root();
        using var transport = new UdpTransport(0);
        Log($"receive buffer {transport.ReceiveBufferSize} B, send buffer {transport.SendBufferSize} B");
        Assert.True(transport.ReceiveBufferSize >= 4 * 1024 * 1024);
        Assert.True(transport.SendBufferSize >= 4 * 1024 * 1024);
    }

    [Fact]
    public void A_port_in_use_is_reported_clearly()
    {
        using var first = new UdpTransport(0);
        var error = Assert.Throws<IOException>(() => new UdpTransport(first.LocalPort));
        Log(error.Message);
        Assert.Contains($"UDP port {first.LocalPort}", error.Message, StringComparison.Ordinal);
        Assert.Contains("already in use", error.Message, StringComparison.Ordinal);
    }

    private static void SendPaced(UdpTransport sender, byte[] payload, IPEndPoint destination, int from, int to, Func<long> received, Stopwatch deadline)
    {
        for (int i = from; i < to; i++)
        {
            // Keep at most 256 datagrams in flight so the loopback socket buffer never overflows.
            while (i - received() >= 256 && deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                Thread.Yield();
            }

            sender.Send(payload, destination);
        }
    }

    private static void Log(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);
}
