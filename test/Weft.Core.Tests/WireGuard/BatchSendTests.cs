using Weft.Core.Net;
using Weft.Core.Tests.Net;
using Weft.Core.WireGuard;
using Xunit;

namespace Weft.Core.Tests.WireGuard;

/// <summary><see cref="WireGuardDevice.SendBatch"/>: a run of packets sealed in place with consecutive nonces and sent in one transport call.</summary>
public class BatchSendTests
{
    private const int SlotSize = TestBatches.SlotSize;

    [Fact]
    public void A_batch_of_mixed_sizes_arrives_in_order_byte_for_byte_through_one_transport_call()
    {
        using var t = new TwoPeers();
        t.AliceSends(TwoPeers.Ipv4Packet(0));   // handshake
        t.Alice.Events.Payloads.Clear();
        t.Bob.Events.Payloads.Clear();
        var sizes = new[] { 20, 21, 1499, 1500, 40, 1420, 1420, 1420, 77, 1 + 20 };
        var packets = sizes.Select((n, i) => TwoPeers.Ipv4Packet((byte)(i + 1), n)).ToArray();
        var batch = TestBatches.From(packets);
        var calls = t.Alice.Transport.BatchCalls;
        var sent = t.A.TransportPacketsSent;

        t.Alice.Device.SendBatch(t.BobAtAlice, batch, 0, batch.Count);
        t.Network.Pump();

        Assert.Equal(calls + 1, t.Alice.Transport.BatchCalls);
        Assert.Equal(sent + packets.Length, t.A.TransportPacketsSent);
        Assert.Equal(packets, t.Bob.Events.Payloads);
        for (var i = 0; i < packets.Length; i++)
        {
            // The batch now describes the sealed messages: 16-byte header, payload padded to 16, 16-byte tag.
            Assert.Equal(batch.SlotStart(i) + WireGuardDevice.HeadRoom - 16, batch.Offsets[i]);
            Assert.Equal(16 + ((sizes[i] + 15) / 16 * 16) + 16, batch.Lengths[i]);
        }
    }

    [Fact]
    public void A_run_inside_a_batch_sends_only_its_own_slots()
    {
        using var t = new TwoPeers();
        t.AliceSends(TwoPeers.Ipv4Packet(0));
        t.Bob.Events.Payloads.Clear();
        var packets = Enumerable.Range(1, 6).Select(i => TwoPeers.Ipv4Packet((byte)i, 100 + i)).ToArray();
        var batch = TestBatches.From(packets);

        t.Alice.Device.SendBatch(t.BobAtAlice, batch, 2, 3);
        t.Network.Pump();

        Assert.Equal(packets[2..5], t.Bob.Events.Payloads);
        Assert.Equal(batch.SlotStart(0) + WireGuardDevice.HeadRoom, batch.Offsets[0]);   // untouched
    }

    [Fact]
    public void Without_a_session_the_batch_waits_for_the_handshake_and_then_arrives_in_order()
    {
        using var t = new TwoPeers();
        var packets = Enumerable.Range(1, 8).Select(i => TwoPeers.Ipv4Packet((byte)i, 60 * i)).ToArray();
        var batch = TestBatches.From(packets);

        t.Alice.Device.SendBatch(t.BobAtAlice, batch, 0, batch.Count);
        t.Network.Pump();
        t.Network.Pump();

        Assert.Equal(packets, t.Bob.Events.Payloads);
    }

    [Fact]
    public void A_packet_without_head_or_tail_room_is_a_caller_bug()
    {
        using var t = new TwoPeers();
        var batch = new PacketBatch(2, SlotSize);
        batch.Count = 1;
        batch.Set(0, 0, 100);   // no head room
        Assert.Throws<ArgumentException>(() => t.Alice.Device.SendBatch(t.BobAtAlice, batch, 0, 1));
        batch.Set(0, WireGuardDevice.HeadRoom, SlotSize - WireGuardDevice.HeadRoom);   // no tail room
        Assert.Throws<ArgumentException>(() => t.Alice.Device.SendBatch(t.BobAtAlice, batch, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Alice.Device.SendBatch(t.BobAtAlice, batch, 0, 2));
    }

    [Fact]
    public void Ten_thousand_packets_in_batches_allocate_nothing()
    {
        using var t = new TwoPeers();
        t.AliceSends(TwoPeers.Ipv4Packet(0));
        t.Network.Synchronous = true;
        t.Bob.Events.RecordPayloads = false;
        var template = TwoPeers.Ipv4Packet(9, 1400);
        var batch = new PacketBatch(40, SlotSize);

        void Burst(int batches)
        {
            for (var b = 0; b < batches; b++)
            {
                batch.Count = batch.Capacity;
                for (var i = 0; i < batch.Capacity; i++)
                {
                    var length = 40 + ((b * 40 + i) % 1361);
                    var slot = batch.Slot(i)[WireGuardDevice.HeadRoom..];
                    template.AsSpan(0, length).CopyTo(slot);
                    slot[2] = (byte)(length >> 8);
                    slot[3] = (byte)length;
                    batch.Set(i, WireGuardDevice.HeadRoom, length);
                }

                t.Alice.Device.SendBatch(t.BobAtAlice, batch, 0, batch.Count);
            }
        }

        Burst(50);   // warm-up

        // The runtime may allocate on this thread now and then while it tiers methods up (more so when other test
        // projects keep the JIT busy), so the measured burst is repeated up to five times: one burst of 10,000
        // packets with 0 bytes proves nothing is allocated per packet, which a real per-packet allocation never shows.
        var allocated = -1L;
        for (var round = 0; round < 5 && allocated != 0; round++)
        {
            var received = t.Bob.Events.PayloadCount;
            var before = GC.GetAllocatedBytesForCurrentThread();
            Burst(250);
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(received + 10_000, t.Bob.Events.PayloadCount);
        }

        Assert.Equal(0, t.B.DecryptFailures);
        Assert.Equal(0, allocated);
    }
}
