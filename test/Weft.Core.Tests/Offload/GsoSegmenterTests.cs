using System.Buffers.Binary;
using Weft.Core.Net;
using Weft.Core.Offload;
using Xunit;

namespace Weft.Core.Tests.Offload;

/// <summary>
/// TSO/USO super-packets cut into segments: every segment checked with the naive checksum, lengths, IDs, sequence
/// numbers and flags, resumption across full batches, and refusal of malformed input.
/// </summary>
public sealed class GsoSegmenterTests
{
    private const int HeadRoom = 16;
    private const int TailRoom = 32;

    [Theory]
    [InlineData(4, 1, 1400)]
    [InlineData(4, 1399, 1400)]
    [InlineData(4, 1400, 1400)]
    [InlineData(4, 1401, 1400)]
    [InlineData(4, 65000, 1400)]
    [InlineData(4, 65000, 536)]
    [InlineData(6, 1, 1380)]
    [InlineData(6, 1379, 1380)]
    [InlineData(6, 1381, 1380)]
    [InlineData(6, 65000, 1380)]
    public void Tcp_super_packet_becomes_segments_with_valid_checksums_and_advancing_seq_and_id(int version, int payloadLength, int mss)
    {
        var payload = OffloadPackets.PayloadBytes(payloadLength, payloadLength);
        var packet = OffloadPackets.Tcp(version, payload, seq: 0xfffff000, flags: OffloadPackets.Ack | OffloadPackets.Psh | OffloadPackets.Fin | OffloadPackets.Cwr, id: 0xfff0);
        var header = OffloadPackets.AsSuperPacket(packet, version == 4 ? VirtioNetHeader.GsoTcpV4 : VirtioNetHeader.GsoTcpV6, mss);

        var segments = SegmentAll(header, packet, new PacketBatch(64, 2048));

        int expectedCount = Math.Max(1, (payloadLength + mss - 1) / mss);
        Assert.Equal(expectedCount, segments.Count);
        var joined = new List<byte>();
        for (int k = 0; k < segments.Count; k++)
        {
            var s = segments[k];
            OffloadPackets.AssertChecksumsValid(s);
            var piece = OffloadPackets.Payload(s);
            Assert.True(piece.Length <= mss);
            Assert.Equal(k < segments.Count - 1 ? mss : payloadLength - (mss * k), piece.Length);
            Assert.Equal(unchecked(0xfffff000u + (uint)(k * mss)), OffloadPackets.Seq(s));
            if (version == 4)
            {
                Assert.Equal((ushort)(0xfff0 + k), OffloadPackets.Id(s));
            }

            byte flags = OffloadPackets.TcpFlags(s);
            bool last = k == segments.Count - 1;
            Assert.Equal(last, (flags & OffloadPackets.Fin) != 0);
            Assert.Equal(last, (flags & OffloadPackets.Psh) != 0);
            Assert.Equal(k == 0, (flags & OffloadPackets.Cwr) != 0);
            Assert.True((flags & OffloadPackets.Ack) != 0);
            joined.AddRange(piece.ToArray());
        }

        Assert.Equal(payload, joined.ToArray());
    }

    [Theory]
    [InlineData(4, 1, 1200)]
    [InlineData(4, 1199, 1200)]
    [InlineData(4, 1201, 1200)]
    [InlineData(4, 60000, 1200)]
    [InlineData(6, 1201, 1200)]
    [InlineData(6, 60000, 1200)]
    public void Udp_super_packet_becomes_datagrams_each_with_its_own_length_and_checksum(int version, int payloadLength, int gsoSize)
    {
        var payload = OffloadPackets.PayloadBytes(payloadLength, 5);
        var packet = OffloadPackets.Udp(version, payload);
        var header = OffloadPackets.AsSuperPacket(packet, VirtioNetHeader.GsoUdpL4, gsoSize);

        var segments = SegmentAll(header, packet, new PacketBatch(64, 2048));

        Assert.Equal((payloadLength + gsoSize - 1) / gsoSize, segments.Count);
        var joined = new List<byte>();
        foreach (var s in segments)
        {
            OffloadPackets.AssertChecksumsValid(s);
            Assert.True(OffloadPackets.Payload(s).Length <= gsoSize);
            joined.AddRange(OffloadPackets.Payload(s).ToArray());
        }

        Assert.Equal(payload, joined.ToArray());
    }

    [Fact]
    public void Ipv4_options_are_copied_into_every_segment_and_covered_by_its_header_checksum()
    {
        var payload = OffloadPackets.PayloadBytes(5000, 8);
        var packet = OffloadPackets.Tcp(4, payload, seq: 9, flags: OffloadPackets.Ack, ipOptions: 8);
        var header = OffloadPackets.AsSuperPacket(packet, VirtioNetHeader.GsoTcpV4, 1400);

        var segments = SegmentAll(header, packet, new PacketBatch(8, 2048));

        Assert.Equal(4, segments.Count);
        foreach (var s in segments)
        {
            Assert.Equal(0x47, s[0]); // IHL 7: 28-byte header
            Assert.Equal(packet.AsSpan(20, 8).ToArray(), s.AsSpan(20, 8).ToArray());
            OffloadPackets.AssertChecksumsValid(s);
        }

        Assert.Equal(payload, segments.SelectMany(s => OffloadPackets.Payload(s).ToArray()).ToArray());
    }

    [Fact]
    public void A_batch_that_fills_is_sent_and_the_rest_follows_in_the_next_batch()
    {
        // 64 KB at MSS 500 is 130 segments: more than two batches of 50.
        var payload = OffloadPackets.PayloadBytes(65000, 11);
        var packet = OffloadPackets.Tcp(4, payload, seq: 100, flags: OffloadPackets.Ack | OffloadPackets.Psh);
        var header = OffloadPackets.AsSuperPacket(packet, VirtioNetHeader.GsoTcpV4, 500);
        var batch = new PacketBatch(50, 1024);
        batch.Set(0, 0, 10);
        batch.Count = 1; // a packet already in the batch stays first

        int cursor = 0;
        var rounds = new List<int>();
        var all = new List<byte[]>();
        GsoStatus status;
        do
        {
            status = GsoSegmenter.Segment(header, packet, batch, HeadRoom, TailRoom, ref cursor);
            Assert.True(status is GsoStatus.Complete or GsoStatus.BatchFull, status.ToString());
            rounds.Add(batch.Count);
            for (int i = all.Count == 0 ? 1 : 0; i < batch.Count; i++)
            {
                Assert.Equal(batch.SlotStart(i) + HeadRoom, batch.Offsets[i]);
                Assert.True(HeadRoom + batch.Lengths[i] + TailRoom <= batch.SlotSize);
                all.Add(batch.Packet(i).ToArray());
            }

            batch.Clear();
        }
        while (status == GsoStatus.BatchFull);

        Assert.Equal([50, 50, 31], rounds);
        Assert.Equal(0, cursor);
        Assert.Equal(130, all.Count);
        for (int k = 0; k < all.Count; k++)
        {
            OffloadPackets.AssertChecksumsValid(all[k]);
            Assert.Equal(100u + (uint)(k * 500), OffloadPackets.Seq(all[k]));
            Assert.Equal(k == all.Count - 1, (OffloadPackets.TcpFlags(all[k]) & OffloadPackets.Psh) != 0);
        }

        Assert.Equal(payload, all.SelectMany(p => OffloadPackets.Payload(p).ToArray()).ToArray());
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public void A_plain_packet_needing_its_checksum_gets_it_completed(int version)
    {
        var tcp = OffloadPackets.Tcp(version, OffloadPackets.PayloadBytes(777, 1), 5, OffloadPackets.Ack);
        var header = OffloadPackets.AsSuperPacket(tcp, VirtioNetHeader.GsoNone, 0);
        var segments = SegmentAll(header, tcp, new PacketBatch(4, 2048));
        Assert.Single(segments);
        OffloadPackets.AssertChecksumsValid(segments[0]);

        var udp = OffloadPackets.Udp(version, OffloadPackets.PayloadBytes(333, 2));
        var udpHeader = OffloadPackets.AsSuperPacket(udp, VirtioNetHeader.GsoNone, 0);
        segments = SegmentAll(udpHeader, udp, new PacketBatch(4, 2048));
        OffloadPackets.AssertChecksumsValid(segments[0]);
    }

    [Fact]
    public void A_plain_packet_without_needs_checksum_is_copied_unchanged()
    {
        var packet = OffloadPackets.Udp(4, OffloadPackets.PayloadBytes(100, 9));
        var segments = SegmentAll(default, packet, new PacketBatch(4, 2048));
        Assert.Equal(packet, segments[0]);
    }

    [Fact]
    public void The_frame_overload_reads_the_virtio_header_in_front()
    {
        var packet = OffloadPackets.Tcp(6, OffloadPackets.PayloadBytes(3000, 4), 1, OffloadPackets.Ack);
        var header = OffloadPackets.AsSuperPacket(packet, VirtioNetHeader.GsoTcpV6, 1000);
        var frame = new byte[VirtioNetHeader.Size + packet.Length];
        header.Write(frame);
        packet.CopyTo(frame, VirtioNetHeader.Size);
        Assert.Equal(header, VirtioNetHeader.Read(frame));

        var batch = new PacketBatch(8, 2048);
        int cursor = 0;
        Assert.Equal(GsoStatus.Complete, GsoSegmenter.Segment(frame, batch, HeadRoom, TailRoom, ref cursor));
        Assert.Equal(3, batch.Count);
    }

    public static TheoryData<string, GsoStatus> Malformed => new()
    {
        { "gso_size 0", GsoStatus.BadGsoSize },
        { "unknown gso_type", GsoStatus.UnknownGsoType },
        { "legacy UFO", GsoStatus.UnknownGsoType },
        { "IPv4 total length disagrees", GsoStatus.BadLength },
        { "IPv6 payload length disagrees", GsoStatus.BadLength },
        { "truncated inside the TCP header", GsoStatus.BadLength },
        { "TCP data offset beyond the packet", GsoStatus.BadLength },
        { "TCP data offset below 5", GsoStatus.BadLength },
        { "TCPV4 type on an IPv6 packet", GsoStatus.Unsupported },
        { "TCPV4 type on a UDP packet", GsoStatus.Unsupported },
        { "IPv6 extension header", GsoStatus.Unsupported },
        { "IPv4 fragment", GsoStatus.Unsupported },
        { "IP version 5", GsoStatus.Unsupported },
        { "empty", GsoStatus.BadLength },
        { "checksum field beyond the packet", GsoStatus.BadChecksumOffset },
        { "segment larger than a slot", GsoStatus.TooLargeForSlot },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_input_is_refused_with_a_reason_and_adds_nothing(string what, GsoStatus expected)
    {
        var packet = OffloadPackets.Tcp(4, OffloadPackets.PayloadBytes(4000, 1), 1, OffloadPackets.Ack);
        var header = OffloadPackets.AsSuperPacket(packet, VirtioNetHeader.GsoTcpV4, 1400);
        switch (what)
        {
            case "gso_size 0": header.GsoSize = 0; break;
            case "unknown gso_type": header.GsoType = 9; break;
            case "legacy UFO": header.GsoType = VirtioNetHeader.GsoUdp; break;
            case "IPv4 total length disagrees": BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), 4000); break;
            case "IPv6 payload length disagrees":
                packet = OffloadPackets.Tcp(6, OffloadPackets.PayloadBytes(4000, 1), 1, OffloadPackets.Ack);
                header = OffloadPackets.AsSuperPacket(packet, VirtioNetHeader.GsoTcpV6, 1400);
                BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), 5000);
                break;
            case "truncated inside the TCP header":
                packet = packet[..30];
                BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), 30);
                break;
            case "TCP data offset beyond the packet":
                packet = OffloadPackets.Tcp(4, [], 1, OffloadPackets.Ack, tcpOptions: 0);
                packet[32] = 0xf0;
                break;
            case "TCP data offset below 5": packet[32] = 0x40; break;
            case "TCPV4 type on an IPv6 packet":
                packet = OffloadPackets.Tcp(6, OffloadPackets.PayloadBytes(4000, 1), 1, OffloadPackets.Ack);
                break;
            case "TCPV4 type on a UDP packet":
                packet = OffloadPackets.Udp(4, OffloadPackets.PayloadBytes(4000, 1));
                break;
            case "IPv6 extension header":
                packet = OffloadPackets.Tcp(6, OffloadPackets.PayloadBytes(4000, 1), 1, OffloadPackets.Ack);
                header.GsoType = VirtioNetHeader.GsoTcpV6;
                packet[6] = 0; // hop-by-hop options
                break;
            case "IPv4 fragment": packet[6] |= 0x20; break;
            case "IP version 5": packet[0] = 0x55; break;
            case "empty": packet = []; break;
            case "checksum field beyond the packet":
                packet = OffloadPackets.Tcp(4, OffloadPackets.PayloadBytes(100, 1), 1, OffloadPackets.Ack);
                header.GsoType = VirtioNetHeader.GsoNone;
                header.ChecksumStart = (ushort)(packet.Length - 10);
                header.ChecksumOffset = 16;
                break;
            case "segment larger than a slot": header.GsoSize = 2000; break;
            default: throw new ArgumentException(what);
        }

        var batch = new PacketBatch(8, 1500);
        int cursor = 0;
        Assert.Equal(expected, GsoSegmenter.Segment(header, packet, batch, HeadRoom, TailRoom, ref cursor));
        Assert.Equal(0, batch.Count);
        Assert.Equal(0, cursor);
    }

    /// <summary>Segments into <paramref name="batch"/> (clearing it between rounds) and returns copies of the segments.</summary>
    internal static List<byte[]> SegmentAll(in VirtioNetHeader header, byte[] packet, PacketBatch batch)
    {
        var segments = new List<byte[]>();
        int cursor = 0;
        GsoStatus status;
        do
        {
            batch.Clear();
            status = GsoSegmenter.Segment(header, packet, batch, HeadRoom, TailRoom, ref cursor);
            Assert.True(status is GsoStatus.Complete or GsoStatus.BatchFull, status.ToString());
            for (int i = 0; i < batch.Count; i++)
            {
                Assert.Equal(batch.SlotStart(i) + HeadRoom, batch.Offsets[i]);
                segments.Add(batch.Packet(i).ToArray());
            }
        }
        while (status == GsoStatus.BatchFull);

        return segments;
    }
}
