using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Weft.Tests;
using Xunit;

namespace Weft.Platform.Tests.Udp;

/// <summary>
/// <see cref="UdpTransport.SendBatch"/> (UDP GSO and sendmmsg) and the recvmmsg/GRO receive loop on loopback: every
/// datagram arrives once, in order, byte for byte, from the right source, with GSO and GRO on and forced off.
/// </summary>
public sealed class UdpTransportBatchTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public static TheoryData<string, bool> LoopbacksAndOffloads => new()
    {
        { "127.0.0.1", true },
        { "127.0.0.1", false },
        { "::1", true },
        { "::1", false },
    };

    [Theory]
    [MemberData(nameof(LoopbacksAndOffloads))]
    public void Mixed_sizes_sent_as_batches_arrive_complete_and_in_order_at_a_plain_socket(string loopback, bool offloads)
    {
        var address = IPAddress.Parse(loopback);
        using var sender = new UdpTransport(0, offloads);
        using var receiver = UdpBatches.PlainReceiver(address);
        var destination = (IPEndPoint)receiver.LocalEndPoint!;
        Log($"sender :{sender.LocalPort} (offloads {offloads}: GSO {sender.GsoEnabled}) -> plain socket {destination}");
        Assert.Equal(offloads, sender.GsoEnabled);

        // Runs of full datagrams with a shorter last, odd sizes, 9000-byte runs, empty datagrams, and 150 alternating
        // 100/200-byte ones (75 messages: more than one sendmmsg holds).
        var lengths = new List<int>();
        lengths.AddRange(Enumerable.Repeat(1420, 20));
        lengths.AddRange([1, 1419, 1420, 1421, 9000, 1420, 1420, 700, 0, 1420]);
        lengths.AddRange(Enumerable.Repeat(9000, 6));
        lengths.AddRange([1200, 1419, 1419, 1419, 1, 1, 1]);
        for (int i = 0; i < 150; i++)
        {
            lengths.Add(i % 2 == 0 ? 100 : 200);
        }

        var batch = UdpBatches.Build(lengths);
        var buffer = new byte[65536];
        EndPoint from = new IPEndPoint(address, 0);
        int calls = 0;
        for (int first = 0; first < lengths.Count;)
        {
            // Ranges of at most ~60 KB, received before the next is sent, so the plain socket's default buffer never overflows.
            int count = 0, bytes = 0;
            while (first + count < lengths.Count && count < 150 && bytes + lengths[first + count] <= 60_000)
            {
                bytes += lengths[first + count++];
            }

            sender.SendBatch(batch, first, count, destination);
            calls++;
            for (int i = first; i < first + count; i++)
            {
                int n = receiver.ReceiveFrom(buffer, ref from);
                Assert.True(UdpBatches.Matches(buffer.AsSpan(0, n), i, lengths[i]), $"datagram {i} ({lengths[i]} B) arrived as {n} B or with other bytes");
                Assert.Equal(new IPEndPoint(address, sender.LocalPort), from);
            }

            first += count;
        }

        Log($"{lengths.Count} datagrams in {calls} SendBatch calls: sent {sender.DatagramsSent}, GSO sends {sender.GsoSends}, refusals {sender.GsoRefusals}, errors {sender.SendErrors}");
        Assert.Equal(lengths.Count, sender.DatagramsSent);
        Assert.Equal(calls, sender.BatchesSent);
        Assert.Equal(0, sender.SendErrors);
        Assert.Equal(0, sender.GsoRefusals);
        receiver.ReceiveTimeout = 200;
        Assert.Throws<SocketException>(() => receiver.ReceiveFrom(buffer, ref from)); // nothing extra arrived
        if (offloads)
        {
            Assert.True(sender.GsoSends >= 5, $"only {sender.GsoSends} GSO sends");
        }
        else
        {
            Assert.Equal(0, sender.GsoSends);
        }
    }

    [Theory]
    [MemberData(nameof(LoopbacksAndOffloads))]
    public void A_gso_sender_to_a_gro_receiver_delivers_every_datagram_once_with_its_source(string loopback, bool receiverOffloads)
    {
        const int Batches = 20, PerBatch = 64;
        var address = IPAddress.Parse(loopback);
        using var sender = new UdpTransport(0);
        using var receiver = new UdpTransport(0, receiverOffloads);
        var expectedSource = new IPEndPoint(address, sender.LocalPort);
        var lengths = new int[PerBatch];
        Array.Fill(lengths, 1420);
        lengths[^1] = 700; // one shorter last

        long delivered = 0, wrong = 0, afterBatches = 0, emptyBatches = 0, inBatch = 0;
        receiver.StartReceiving(
            (datagram, source) =>
            {
                long index = delivered;
                int expectedLength = lengths[index % PerBatch];
                if (!UdpBatches.Matches(datagram, (int)index, expectedLength) || !source.Equals(expectedSource))
                {
                    wrong++;
                }

                inBatch++;
                Volatile.Write(ref delivered, index + 1);
            },
            () =>
            {
                emptyBatches += inBatch == 0 ? 1 : 0;
                inBatch = 0;
                Interlocked.Increment(ref afterBatches);
            });
        Log($"sender :{sender.LocalPort} GSO {sender.GsoEnabled} -> receiver {address}:{receiver.LocalPort} GRO {receiver.GroEnabled}");
        Assert.Equal(receiverOffloads, receiver.GroEnabled);

        var batch = UdpBatches.Build(lengths);
        var destination = new IPEndPoint(address, receiver.LocalPort);
        var clock = Stopwatch.StartNew();
        for (int b = 0; b < Batches; b++)
        {
            UdpBatches.Fill(batch, lengths, b * PerBatch);
            sender.SendBatch(batch, 0, PerBatch, destination);
            WaitUntil(() => Volatile.Read(ref delivered) >= (b + 1) * PerBatch, clock);
        }

        WaitUntil(() => Interlocked.Read(ref afterBatches) == receiver.ReceiveCalls, clock);
        Log($"delivered {Volatile.Read(ref delivered)} in {receiver.ReceiveCalls} receive calls, {receiver.GroDatagramsReceived} through GRO; " +
            $"afterBatch {Interlocked.Read(ref afterBatches)}×; sender GSO sends {sender.GsoSends}");
        Assert.Equal(Batches * PerBatch, Volatile.Read(ref delivered));
        Assert.Equal(Batches * PerBatch, receiver.DatagramsReceived);
        Assert.Equal(0, Volatile.Read(ref wrong));
        Assert.Equal(0, receiver.ReceiveErrors);
        Assert.Equal(receiver.ReceiveCalls, Interlocked.Read(ref afterBatches));
        Assert.Equal(0, Volatile.Read(ref emptyBatches));
        Assert.True(sender.GsoSends >= Batches, $"only {sender.GsoSends} GSO sends");
        if (receiverOffloads)
        {
            Assert.True(receiver.GroDatagramsReceived > Batches * PerBatch / 2, $"only {receiver.GroDatagramsReceived} datagrams came through GRO");
            Assert.True(receiver.ReceiveCalls <= Batches * 4, $"{receiver.ReceiveCalls} receive calls for {Batches} batches");
        }
        else
        {
            Assert.Equal(0, receiver.GroDatagramsReceived);
        }
    }

    [Fact]
    public void After_batch_runs_once_after_each_receive_call_with_the_datagrams_of_that_call_before_it()
    {
        const int Total = 200;
        using var sender = new UdpTransport(0);
        using var receiver = new UdpTransport(0, offloads: false); // one datagram per message: batches come from recvmmsg alone
        using var allSent = new ManualResetEventSlim();
        var events = new List<char>(2 * Total);
        long delivered = 0;
        receiver.StartReceiving(
            (_, _) =>
            {
                // Hold the first datagram until all are queued, so the next receive call surely takes many at once.
                allSent.Wait(Patience);
                lock (events)
                {
                    events.Add('d');
                }

                Interlocked.Increment(ref delivered);
            },
            () =>
            {
                lock (events)
                {
                    events.Add('|');
                }
            });

        var lengths = Enumerable.Repeat(20, Total).ToArray();
        var batch = UdpBatches.Build(lengths);
        var destination = new IPEndPoint(IPAddress.Loopback, receiver.LocalPort);
        sender.SendBatch(batch, 0, Total, destination);
        allSent.Set();
        var clock = Stopwatch.StartNew();
        WaitUntil(() => Interlocked.Read(ref delivered) == Total, clock);
        WaitUntil(() => { lock (events) { return events[^1] == '|'; } }, clock);
        string sequence;
        lock (events)
        {
            sequence = new string(events.ToArray());
        }

        var sizes = sequence.Split('|', StringSplitOptions.None)[..^1].Select(part => part.Length).ToArray();
        Log($"{Total} datagrams in {receiver.ReceiveCalls} receive calls of {string.Join(",", sizes)}; afterBatch {sizes.Length}×");
        Assert.Equal(receiver.ReceiveCalls, sizes.Length);
        Assert.Equal(Total, sizes.Sum());
        Assert.All(sizes, size => Assert.InRange(size, 1, UdpTransport.ReceiveBatchSize)); // never for an empty batch
        Assert.Contains(sizes, size => size > 1);
    }

    [Theory]
    [InlineData("127.0.0.1", 1000)]
    [InlineData("::1", 1000)]
    [InlineData("127.0.0.1", 1400)]
    [InlineData("::1", 1400)]
    public void When_the_kernel_refuses_gso_the_run_goes_out_datagram_by_datagram(string loopback, int size)
    {
        // A socket without UDP checksums on transmit (SO_NO_CHECK for IPv4, UDP_NO_CHECK6_TX for IPv6) cannot use GSO:
        // the kernel answers EINVAL. Segments of ≤ 1232 bytes fit every path, so that turns GSO off for good; bigger
        // ones could be an MTU limit, so only that run goes the plain way.
        var address = IPAddress.Parse(loopback);
        using var sender = new UdpTransport(0);
        using var receiver = UdpBatches.PlainReceiver(address);
        var destination = (IPEndPoint)receiver.LocalEndPoint!;
        byte[] on = BitConverter.GetBytes(1);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            sender.Socket.SetRawSocketOption(1, 11, on); // SOL_SOCKET, SO_NO_CHECK
        }
        else
        {
            sender.Socket.SetRawSocketOption(17, 101, on); // SOL_UDP, UDP_NO_CHECK6_TX
            receiver.SetRawSocketOption(17, 102, on);      // UDP_NO_CHECK6_RX: IPv6 drops a zero checksum otherwise
        }

        var lengths = Enumerable.Repeat(size, 10).Append(300).ToArray();
        var batch = UdpBatches.Build(lengths);
        var buffer = new byte[65536];
        EndPoint from = new IPEndPoint(address, 0);
        for (int round = 0; round < 2; round++)
        {
            sender.SendBatch(batch, 0, lengths.Length, destination);
            for (int i = 0; i < lengths.Length; i++)
            {
                int n = receiver.ReceiveFrom(buffer, ref from);
                Assert.True(UdpBatches.Matches(buffer.AsSpan(0, n), i, lengths[i]), $"round {round}: datagram {i} wrong ({n} B)");
            }

            Log($"round {round}: GSO {sender.GsoEnabled}, refusals {sender.GsoRefusals}, GSO sends {sender.GsoSends}, sent {sender.DatagramsSent}, errors {sender.SendErrors}");
        }

        Assert.Equal(2 * lengths.Length, sender.DatagramsSent);
        Assert.Equal(0, sender.SendErrors);
        Assert.Equal(0, sender.GsoSends);
        if (size <= 1232)
        {
            Assert.False(sender.GsoEnabled);
            Assert.Equal(1, sender.GsoRefusals);
        }
        else
        {
            Assert.True(sender.GsoEnabled);
            Assert.Equal(2, sender.GsoRefusals);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Steady_state_send_batch_and_the_receive_loop_allocate_nothing(bool offloads)
    {
        // The runtime allocates on a thread now and then while it tiers methods up (more so while other tests keep the
        // JIT busy), so the check is per round of 50 batches, up to 10 rounds: steady state is a round in which neither
        // thread allocated a byte. A real per-batch or per-datagram allocation shows in every round and fails the test.
        const int WarmUp = 20, RoundLength = 50, Rounds = 10, PerBatch = 64, Total = WarmUp + (Rounds * RoundLength);
        using var sender = new UdpTransport(0, offloads);
        using var receiver = new UdpTransport(0, offloads);
        var lengths = new int[PerBatch];
        Array.Fill(lengths, 1420);
        lengths[^1] = 333;
        var receiveMarks = new long[Total + 1]; // allocated bytes of the receive thread when batch i had fully arrived
        var sendMarks = new long[Total + 1];    // bytes the send thread allocated inside SendBatch, batches 0..i-1
        long delivered = 0;
        receiver.StartReceiving(
            (_, _) => Volatile.Write(ref delivered, delivered + 1),
            () =>
            {
                long n = Volatile.Read(ref delivered);
                if (n % PerBatch == 0)
                {
                    Volatile.Write(ref receiveMarks[n / PerBatch], GC.GetAllocatedBytesForCurrentThread());
                }
            });

        var batch = UdpBatches.Build(lengths);
        var destination = new IPEndPoint(IPAddress.Loopback, receiver.LocalPort);
        var clock = Stopwatch.StartNew();
        int steadyRound = -1;
        for (int b = 0; b < Total && steadyRound < 0; b++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            sender.SendBatch(batch, 0, PerBatch, destination);
            sendMarks[b + 1] = sendMarks[b] + (GC.GetAllocatedBytesForCurrentThread() - before);

            // One batch in flight at a time: each batch's last datagram ends a receive call, where the mark is taken.
            WaitUntil(() => Volatile.Read(ref delivered) == (b + 1) * PerBatch, clock);
            WaitUntil(() => Volatile.Read(ref receiveMarks[b + 1]) != 0, clock);
            if (b + 1 > WarmUp && (b + 1 - WarmUp) % RoundLength == 0)
            {
                int from = b + 1 - RoundLength, to = b + 1;
                long sent = sendMarks[to] - sendMarks[from], received = receiveMarks[to] - receiveMarks[from];
                Log($"offloads {offloads}, batches {from}..{to}: send thread allocated {sent} B, receive thread {received} B");
                if (sent == 0 && received == 0)
                {
                    steadyRound = (b + 1 - WarmUp) / RoundLength;
                }
            }
        }

        Log($"GSO sends {sender.GsoSends}, receive calls {receiver.ReceiveCalls}, GRO datagrams {receiver.GroDatagramsReceived}");
        Assert.True(steadyRound > 0, $"every one of {Rounds} rounds of {RoundLength} batches allocated");
        Assert.Equal(0, sender.SendErrors);
        Assert.Equal(0, receiver.ReceiveErrors);
    }

    [Fact]
    public void A_slot_outside_the_buffer_is_refused_before_anything_is_sent()
    {
        using var sender = new UdpTransport(0);
        using var receiver = UdpBatches.PlainReceiver(IPAddress.Loopback);
        var batch = UdpBatches.Build([100, 100, 100]);
        batch.Lengths[2] = batch.Buffer.Length; // past the end: the kernel would read memory that is not the batch's
        Assert.Throws<ArgumentException>(() => sender.SendBatch(batch, 0, 3, (IPEndPoint)receiver.LocalEndPoint!));
        batch.Offsets[1] = -1;
        Assert.Throws<ArgumentException>(() => sender.SendBatch(batch, 1, 1, (IPEndPoint)receiver.LocalEndPoint!));
        Assert.Equal(0, sender.DatagramsSent);
        Assert.Equal(0, sender.BatchesSent);
    }

    [Fact]
    public void A_non_blocking_descriptor_still_receives_and_sends_batches()
    {
        // recvmmsg on a non-blocking socket answers EAGAIN when nothing is queued: the loop must wait in poll, not spin or stop.
        using var sender = new UdpTransport(0);
        using var receiver = new UdpTransport(0);
        sender.Socket.Blocking = false;
        receiver.Socket.Blocking = false;
        long delivered = 0;
        receiver.StartReceiving((_, _) => Interlocked.Increment(ref delivered));
        var flags = File.ReadAllLines($"/proc/self/fdinfo/{(int)receiver.Socket.Handle}").First(line => line.StartsWith("flags:", StringComparison.Ordinal));
        Log($"receiver descriptor {flags} (O_NONBLOCK = 04000)");
        Assert.NotEqual(0, Convert.ToInt32(flags["flags:".Length..].Trim(), 8) & 0x800);

        var lengths = Enumerable.Repeat(1000, 20).ToArray();
        var batch = UdpBatches.Build(lengths);
        var destination = new IPEndPoint(IPAddress.Loopback, receiver.LocalPort);
        var clock = Stopwatch.StartNew();
        for (int round = 1; round <= 3; round++)
        {
            Thread.Sleep(50); // the receive thread is idle, polling, when the batch comes
            sender.SendBatch(batch, 0, lengths.Length, destination);
            WaitUntil(() => Interlocked.Read(ref delivered) == round * lengths.Length, clock);
        }

        Assert.Equal(0, receiver.ReceiveErrors);
        Assert.Equal(0, sender.SendErrors);
    }

    private static void WaitUntil(Func<bool> condition, Stopwatch clock)
    {
        var deadline = clock.Elapsed + Patience;
        while (!condition())
        {
            Assert.True(clock.Elapsed < deadline, "timed out waiting for the receiver");
            Thread.Sleep(1);
        }
    }

    private static void Log(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);
}
