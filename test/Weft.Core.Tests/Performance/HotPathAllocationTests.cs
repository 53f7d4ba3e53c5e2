using System.Diagnostics;
using Weft.Core.Net;
using Weft.Core.Tests.Net;
using Weft.Core.Tests.Node;
using Weft.Core.WireGuard;
using Xunit;

namespace Weft.Core.Tests.Performance;

/// <summary>
/// The per-packet hot path allocates nothing in steady state, measured the way the daemon runs it: one thread
/// reads the TUN (<c>MeshNode.OnTunPacket</c>, or <c>MeshNode.OnTunBatch</c> with batches of 8 as the daemon's TUN
/// reader calls it, on alpha: route, encrypt, send), another thread receives datagrams
/// (<c>MeshNode.OnDatagram</c> on bravo: decrypt, check the source, write to the TUN). Each thread counts its own
/// allocated bytes (<see cref="GC.GetAllocatedBytesForCurrentThread"/>) over a burst of mixed-size IPv4 and IPv6
/// packets after a warm-up; both deltas must be zero (in one of up to five rounds, see the comment in the test).
/// </summary>
public class HotPathAllocationTests
{
    private const int WarmUp = 1_000;
    private const int Burst = 10_000;
    private const int Rounds = 5;

    /// <summary>Datagrams allowed in flight in the in-memory network before the sender waits (its ring holds 1024).</summary>
    private const int InFlight = 256;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>Packets per OnTunBatch call in the batched variant.</summary>
    private const int BatchSize = 8;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Tun_reader_thread_and_udp_receive_thread_allocate_nothing_per_packet(bool batched)
    {
        using var mesh = new TestMesh();
        var a = mesh.AddNode("alpha");
        var b = mesh.AddNode("bravo");

        TestMesh.Step("bravo knows alpha's endpoint; hello, handshake and certificate exchange complete");
        b.Node.AddStaticPeer(a.Endpoint);
        mesh.Run(TimeSpan.FromSeconds(3));
        Assert.True(a.Peer(b)?.Verified, "alpha has not verified bravo");
        Assert.True(b.Peer(a)?.Verified, "bravo has not verified alpha");

        TestMesh.Step("packets of 24 sizes from 29 to 1420 bytes, IPv4 and IPv6 alternating, built before measuring");
        var packets = new byte[24][];
        for (var i = 0; i < packets.Length; i++)
        {
            var payload = 1 + (i * 59);   // 1 .. 1358 bytes of UDP payload
            packets[i] = i % 2 == 0
                ? TestPackets.Ipv4(a.Ipv4, b.Ipv4, Math.Min(payload, 1420 - 28), seed: (byte)i)
                : TestPackets.Ipv6(a.Ipv6, b.Ipv6, Math.Min(payload, 1420 - 48), seed: (byte)i);
        }

        var batch = new PacketBatch(BatchSize, TestBatches.SlotSize);
        a.Tun.Keep = false;
        b.Tun.Keep = false;
        mesh.Network.CountTraffic = false;
        var lostBefore = mesh.Network.Lost;
        var writtenBefore = b.Tun.Written;
        var clock = Stopwatch.StartNew();

        // The runtime itself may allocate on a thread now and then while it is still tiering up methods (more so
        // when other tests keep the JIT busy), so the burst is repeated on fresh threads, up to Rounds times: one
        // burst with 0 bytes on both threads proves that nothing is allocated per packet, which a real per-packet
        // allocation (10,000 of them) could never show.
        var rounds = new List<(long Send, long Receive)>();
        for (var round = 0; round < Rounds; round++)
        {
            TestMesh.Step($"round {round + 1}: {WarmUp} packets to warm up, then {Burst} measured, alpha's TUN thread → bravo's UDP thread");
            var result = RunRound();
            rounds.Add(result);
            TestMesh.Step($"  sender allocated {result.Send} B, receiver {result.Receive} B ({clock.ElapsedMilliseconds} ms so far)");
            if (result is (0, 0))
            {
                break;
            }
        }

        Assert.Equal(rounds.Count * (WarmUp + Burst), b.Tun.Written - writtenBefore);
        Assert.Equal(lostBefore, mesh.Network.Lost);
        Assert.Equal((0L, 0L), rounds[^1]);

        (long Send, long Receive) RunRound()
        {
            var failure = (Exception?)null;
            var sendAllocated = -1L;
            var receiveAllocated = -1L;
            var roundStart = b.Tun.Written - writtenBefore;
            var sender = new Thread(SendRound) { Name = "tun reader (alpha)" };
            var receiver = new Thread(ReceiveRound) { Name = "udp receiver (bravo)" };
            sender.Start();
            receiver.Start();
            sender.Join();
            receiver.Join();
            Assert.Null(failure);
            return (sendAllocated, receiveAllocated);

            void SendRound()
            {
                try
                {
                    Send(WarmUp);
                    var before = GC.GetAllocatedBytesForCurrentThread();
                    Send(Burst);
                    sendAllocated = GC.GetAllocatedBytesForCurrentThread() - before;
                }
                catch (Exception e)
                {
                    failure ??= e;
                }
            }

            void ReceiveRound()
            {
                try
                {
                    Receive(roundStart + WarmUp);
                    var before = GC.GetAllocatedBytesForCurrentThread();
                    Receive(roundStart + WarmUp + Burst);
                    receiveAllocated = GC.GetAllocatedBytesForCurrentThread() - before;
                }
                catch (Exception e)
                {
                    failure ??= e;
                }
            }

            void CheckDeadline()
            {
                if (clock.Elapsed > Deadline || failure is not null)
                {
                    throw new TimeoutException($"stalled: {b.Tun.Written - writtenBefore} delivered, {mesh.Network.Lost - lostBefore} lost");
                }
            }

            void Send(int count)
            {
                var step = batched ? BatchSize : 1;
                for (var i = 0; i < count; i += step)
                {
                    var spin = default(SpinWait);
                    while (mesh.Network.Sent - mesh.Network.Delivered - mesh.Network.Lost >= InFlight - step)
                    {
                        CheckDeadline();
                        spin.SpinOnce();
                    }

                    if (!batched)
                    {
                        a.FromTun(packets[i % packets.Length]);
                        continue;
                    }

                    batch.Clear();
                    for (var k = i; k < Math.Min(i + step, count); k++)
                    {
                        var packet = packets[k % packets.Length];
                        packet.CopyTo(batch.Slot(batch.Count)[WireGuardDevice.HeadRoom..]);
                        batch.Set(batch.Count, WireGuardDevice.HeadRoom, packet.Length);
                        batch.Count++;
                    }

                    a.Node.OnTunBatch(batch);
                }
            }

            void Receive(long total)
            {
                var spin = default(SpinWait);
                while (b.Tun.Written - writtenBefore < total)
                {
                    if (mesh.Network.Pump(64) == 0)
                    {
                        CheckDeadline();
                        spin.SpinOnce();
                    }
                }
            }
        }
    }
}
