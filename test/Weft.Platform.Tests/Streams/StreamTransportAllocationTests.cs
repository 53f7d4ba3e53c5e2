using System.Net;
using Weft.Core.Net;
using Xunit;

namespace Weft.Platform.Tests.Streams;

/// <summary>The per-frame paths allocate nothing once warm: measured on the thread that does the work.</summary>
public sealed class StreamTransportAllocationTests
{
    [Theory]
    [InlineData(TransportKind.Tcp)]
    [InlineData(TransportKind.Tls)]
    public void Steady_state_send_and_receive_allocate_nothing(TransportKind kind)
    {
        const int WarmUp = 5000, Measured = 50_000, Total = WarmUp + Measured;
        var atServer = new RecordingStreamHandler();
        var atClient = new RecordingStreamHandler();
        long received = 0, startBytes = 0, endBytes = 0;
        bool intact = true;
        using var done = new ManualResetEventSlim();
        atServer.OnDatagram = (datagram, _) =>
        {
            // Runs on the connection's read thread: the measurement covers framing, the read and the call.
            long n = ++received;
            if (datagram.Length != (int)(n % 1400) + 1 || datagram[0] != (byte)n)
            {
                intact = false;
            }

            if (n == WarmUp)
            {
                startBytes = GC.GetAllocatedBytesForCurrentThread();
            }
            else if (n == Total)
            {
                endBytes = GC.GetAllocatedBytesForCurrentThread();
                done.Set();
            }
        };

        using var server = StreamTransportTests.Started(atServer);
        using var client = StreamTransportTests.Started(atClient);
        client.Connect(new IPEndPoint(IPAddress.Loopback, StreamTransportTests.PortOf(server, kind)), kind);
        var connection = atClient.NextConnected();
        atServer.NextConnected();

        var payload = new byte[1400];
        SendRange(connection, payload, 1, WarmUp, atServer);
        long sendAllocated = SendRange(connection, payload, WarmUp + 1, Total, atServer);
        Assert.True(done.Wait(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken), $"only {Volatile.Read(ref received)} of {Total} frames arrived");
        long receiveAllocated = Volatile.Read(ref endBytes) - Volatile.Read(ref startBytes);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{kind}: {Measured} frames of 1..1400 bytes; send thread allocated {sendAllocated} B, read thread {receiveAllocated} B");
        Assert.True(Volatile.Read(ref intact));
        // Zero per frame, with a small allowance for the whole run: SslStream rents its record buffers
        // from the shared ArrayPool, which trims idle arrays on gen-2 GCs (other test classes run
        // meanwhile), so a re-rent now and then allocates a few hundred bytes; and about one full-project
        // run in ten shows a stray 56 B on the TCP read thread that no per-frame code explains (not
        // reproducible frame by frame). Any per-frame allocation is at least 24 B a frame, over 1 MB
        // here, so the bound of 0.1 B a frame still catches it. Typical result: 0 B on all four.
        Assert.InRange(sendAllocated, 0, Measured / 10);
        Assert.InRange(receiveAllocated, 0, Measured / 10);
        Assert.Equal(0, client.SendDrops); // paced: nothing dropped as congested
    }

    /// <summary>
    /// Sends frames <paramref name="first"/>..<paramref name="last"/> and returns the bytes this thread
    /// allocated meanwhile. One method for warm-up and measurement, so the JIT's tier-up of this loop
    /// (on-stack replacement) happens during the warm-up, not inside the measurement.
    /// </summary>
    private static long SendRange(StreamConnection connection, byte[] payload, long first, long last, RecordingStreamHandler receiver)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (long n = first; n <= last; n++)
        {
            receiver.WaitForWindow(n - 1, window: 256);
            var datagram = payload.AsSpan(0, (int)(n % 1400) + 1);
            datagram[0] = (byte)n;
            connection.Send(datagram);
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
