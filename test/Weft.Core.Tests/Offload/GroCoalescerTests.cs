using System.Buffers.Binary;
using Weft.Core.Net;
using Weft.Core.Offload;
using Xunit;

namespace Weft.Core.Tests.Offload;

/// <summary>
/// TCP segments coalesced back into super-packets: coalesce(segment(x)) gives x back, flows stay in order, and
/// everything that must not merge (other flows, gaps, PSH in the middle, corrupt checksums, different options, UDP)
/// goes out unchanged with a zero header.
/// </summary>
public sealed class GroCoalescerTests
{
    [Theory]
    [InlineData(4, 20000, 1400)]
    [InlineData(4, 1401, 1400)]
    [InlineData(6, 20000, 1380)]
    [InlineData(6, 60000, 1380)]
    public void Coalescing_the_segments_of_a_super_packet_gives_the_super_packet_back(int version, int payloadLength, int mss)
    {
        var payload = OffloadPackets.PayloadBytes(payloadLength, 42);
        var original = OffloadPackets.Tcp(version, payload, seq: 0xffffff00, flags: OffloadPackets.Ack | OffloadPackets.Psh, id: 77);
        byte gsoType = version == 4 ? VirtioNetHeader.GsoTcpV4 : VirtioNetHeader.GsoTcpV6;
        var header = OffloadPackets.AsSuperPacket(original, gsoType, mss);
        var segments = GsoSegmenterTests.SegmentAll(header, original, new PacketBatch(64, 2048));
        Assert.True(segments.Count >= 2);

        var coalescer = new GroCoalescer();
        var sink = new RecordingSink();
        foreach (var s in segments)
        {
            Assert.True(coalescer.Add(s, sink));
        }

        Assert.Empty(sink.Frames);
        coalescer.Flush(sink);

        var frame = Assert.Single(sink.Frames);
        var emitted = VirtioNetHeader.Read(frame);
        var packet = frame[VirtioNetHeader.Size..];
        Assert.Equal(VirtioNetHeader.FlagNeedsChecksum, emitted.Flags);
        Assert.Equal(gsoType, emitted.GsoType);
        Assert.Equal(mss, emitted.GsoSize);
        Assert.Equal(OffloadPackets.IpHeaderLength(original), emitted.ChecksumStart);
        Assert.Equal(16, emitted.ChecksumOffset);
        Assert.Equal(OffloadPackets.IpHeaderLength(original) + OffloadPackets.L4HeaderLength(original), emitted.HeaderLength);
        // The original with its checksum field holding the pseudo-header sum (NEEDS_CSUM) is exactly what comes out.
        Assert.Equal(original, packet);
        Assert.Equal(segments.Count - 1, coalescer.PacketsCoalesced);
        Assert.Equal(1, coalescer.SuperPacketsEmitted);

        // And the kernel's view: segmenting what we emit gives the same segments again.
        Assert.Equal(segments, GsoSegmenterTests.SegmentAll(emitted, packet, new PacketBatch(64, 2048)));
    }

    [Fact]
    public void Interleaved_flows_coalesce_separately_and_other_packets_keep_their_place()
    {
        var a = Segments(4, 4200, 1400, seq: 1000, port: 1);   // 3 segments
        var b = Segments(4, 2800, 1400, seq: 5000, port: 2);   // 2 segments
        var udp = OffloadPackets.Udp(4, OffloadPackets.PayloadBytes(50, 3));
        var coalescer = new GroCoalescer();
        var sink = new RecordingSink();

        coalescer.Add(a[0], sink);
        coalescer.Add(b[0], sink);
        coalescer.Add(udp, sink);
        coalescer.Add(a[1], sink);
        coalescer.Add(b[1], sink);
        coalescer.Add(a[2], sink);
        coalescer.Flush(sink);

        Assert.Equal(3, sink.Frames.Count);
        Assert.Equal(VirtioNetHeader.GsoTcpV4, VirtioNetHeader.Read(sink.Frames[0]).GsoType);
        Assert.Equal(20 + 32 + 4200, sink.Frames[0].Length - VirtioNetHeader.Size);
        Assert.Equal(VirtioNetHeader.GsoTcpV4, VirtioNetHeader.Read(sink.Frames[1]).GsoType);
        Assert.Equal(20 + 32 + 2800, sink.Frames[1].Length - VirtioNetHeader.Size);
        Assert.Equal(default, VirtioNetHeader.Read(sink.Frames[2]));
        Assert.Equal(udp, sink.Frames[2][VirtioNetHeader.Size..]);
    }

    public static TheoryData<string> Breakers => new()
    {
        "gap in seq", "corrupt checksum", "different ack", "different options", "different ttl", "SYN flag", "longer than the first", "IPv4 options",
    };

    [Theory]
    [MemberData(nameof(Breakers))]
    public void A_segment_that_does_not_continue_its_flow_starts_a_new_item(string what)
    {
        var s = Segments(4, 4200, 1400, seq: 1000, port: 1);
        var second = s[1];
        switch (what)
        {
            case "gap in seq": second = Rebuild(second, seq: 1000 + 1401); break;
            case "corrupt checksum": second[^1] ^= 0x55; break;
            case "different ack": second = Rebuild(second, ack: 778); break;
            case "different options": second = Rebuild(second, options: 8); break;
            case "different ttl": second = Rebuild(second, ttl: 63); break;
            case "SYN flag": second = Rebuild(second, flags: OffloadPackets.Ack | 0x02); break;
            case "IPv4 options":
                s[0] = OffloadPackets.Tcp(4, OffloadPackets.PayloadBytes(1400, 1), 1000, OffloadPackets.Ack, ipOptions: 4);
                second = OffloadPackets.Tcp(4, OffloadPackets.PayloadBytes(1400, 2), 2400, OffloadPackets.Ack, ipOptions: 4);
                break;
            case "longer than the first":
                s[0] = OffloadPackets.Tcp(4, OffloadPackets.PayloadBytes(1000, 1), 400, OffloadPackets.Ack);
                break;
            default: throw new ArgumentException(what);
        }

        var coalescer = new GroCoalescer();
        var sink = new RecordingSink();
        coalescer.Add(s[0], sink);
        coalescer.Add(second, sink);
        coalescer.Flush(sink);

        Assert.Equal(2, sink.Frames.Count);
        Assert.Equal(s[0], sink.Frames[0][VirtioNetHeader.Size..]);
        Assert.Equal(second, sink.Frames[1][VirtioNetHeader.Size..]);
        Assert.All(sink.Frames, f => Assert.Equal(default, VirtioNetHeader.Read(f)));
        Assert.Equal(0, coalescer.PacketsCoalesced);
    }

    [Fact]
    public void Psh_or_a_short_segment_ends_a_super_packet()
    {
        var s = Segments(6, 1380 * 4, 1380, seq: 1, port: 9);
        var coalescer = new GroCoalescer();
        var sink = new RecordingSink();
        coalescer.Add(s[0], sink);
        coalescer.Add(Rebuild(s[1], flags: OffloadPackets.Ack | OffloadPackets.Psh), sink);
        coalescer.Add(s[2], sink);
        coalescer.Add(s[3], sink);
        coalescer.Flush(sink);

        Assert.Equal(2, sink.Frames.Count);
        var first = sink.Frames[0][VirtioNetHeader.Size..];
        Assert.Equal(40 + 32 + 2760, first.Length);
        Assert.True((OffloadPackets.TcpFlags(first) & OffloadPackets.Psh) != 0);

        // 1400, then a short 700, then 1400 more that continue the sequence: the short one ends the super-packet.
        var full = OffloadPackets.Tcp(4, OffloadPackets.PayloadBytes(1400, 1), 1, OffloadPackets.Ack);
        var seg700 = OffloadPackets.Tcp(4, OffloadPackets.PayloadBytes(700, 1), 1 + 1400, OffloadPackets.Ack);
        var after = OffloadPackets.Tcp(4, OffloadPackets.PayloadBytes(1400, 2), 1 + 2100, OffloadPackets.Ack);
        var c2 = new GroCoalescer();
        var sink2 = new RecordingSink();
        c2.Add(full, sink2);
        c2.Add(seg700, sink2);
        c2.Add(after, sink2);
        c2.Flush(sink2);
        Assert.Equal(2, sink2.Frames.Count);
        Assert.Equal(20 + 32 + 2100, sink2.Frames[0].Length - VirtioNetHeader.Size);
    }

    [Fact]
    public void A_super_packet_never_exceeds_64_kilobytes_and_a_full_coalescer_flushes_by_itself()
    {
        // Three super-packets of 43 segments of 1400 bytes, contiguous: 129 segments, 180 600 bytes; at most 46
        // segments (64 452 bytes of IP) fit one super-packet, so they come out as 46 + 46 + 37.
        var s = Segments(4, 43 * 1400, 1400, seq: 0, port: 4);
        s.AddRange(Segments(4, 43 * 1400, 1400, seq: 43 * 1400, port: 4));
        s.AddRange(Segments(4, 43 * 1400, 1400, seq: 86 * 1400, port: 4));
        var coalescer = new GroCoalescer(slots: 2);
        var sink = new RecordingSink();
        foreach (var p in s)
        {
            coalescer.Add(p, sink);
        }

        // The third item found both slots taken and flushed them first.
        Assert.Equal(2, sink.Frames.Count);
        Assert.Equal(1, coalescer.Count);
        coalescer.Flush(sink);
        Assert.Equal(3, sink.Frames.Count);
        Assert.Equal([20 + 32 + (46 * 1400), 20 + 32 + (46 * 1400), 20 + 32 + (37 * 1400)], sink.Frames.Select(f => f.Length - VirtioNetHeader.Size));
        var joined = new List<byte>();
        foreach (var f in sink.Frames)
        {
            Assert.True(f.Length - VirtioNetHeader.Size <= 65535);
            var h = VirtioNetHeader.Read(f);
            var packet = f[VirtioNetHeader.Size..];
            foreach (var seg in GsoSegmenterTests.SegmentAll(h, packet, new PacketBatch(64, 2048)))
            {
                OffloadPackets.AssertChecksumsValid(seg);
                joined.AddRange(OffloadPackets.Payload(seg).ToArray());
            }
        }

        Assert.Equal(s.SelectMany(p => OffloadPackets.Payload(p).ToArray()), joined);
    }

    [Fact]
    public void Empty_or_oversized_packets_are_refused_and_counted()
    {
        var coalescer = new GroCoalescer();
        var sink = new RecordingSink();
        Assert.False(coalescer.Add([], sink));
        Assert.False(coalescer.Add(new byte[65536], sink));
        Assert.Equal(2, coalescer.PacketsRefused);
        Assert.Equal(0, coalescer.Count);
    }

    private static List<byte[]> Segments(int version, int payloadLength, int mss, uint seq, int port)
    {
        var packet = OffloadPackets.Tcp(version, OffloadPackets.PayloadBytes(payloadLength, port), seq, OffloadPackets.Ack);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(OffloadPackets.IpHeaderLength(packet)), (ushort)(40000 + port));
        var header = OffloadPackets.AsSuperPacket(packet, version == 4 ? VirtioNetHeader.GsoTcpV4 : VirtioNetHeader.GsoTcpV6, mss);
        return GsoSegmenterTests.SegmentAll(header, packet, new PacketBatch(64, 2048));
    }

    /// <summary>The same segment rebuilt with one field changed and checksums recomputed.</summary>
    private static byte[] Rebuild(byte[] segment, uint? seq = null, uint ack = 777, int options = 12, byte ttl = 64, byte? flags = null)
    {
        int version = segment[0] >> 4;
        var rebuilt = OffloadPackets.Tcp(version, OffloadPackets.Payload(segment), seq ?? OffloadPackets.Seq(segment),
            flags ?? OffloadPackets.TcpFlags(segment), OffloadPackets.Id(segment), options, 0, ack, 500, ttl);
        int ip = OffloadPackets.IpHeaderLength(rebuilt);
        // Keep the source port of the original flow, fixing the checksum through a full rebuild of the TCP sum.
        rebuilt.AsSpan(ip, 2).Clear();
        segment.AsSpan(OffloadPackets.IpHeaderLength(segment), 2).CopyTo(rebuilt.AsSpan(ip));
        rebuilt[ip + 16] = 0;
        rebuilt[ip + 17] = 0;
        var l4 = rebuilt.AsSpan(ip);
        var sum = OffloadPackets.NaiveSum(OffloadPackets.PseudoHeader(rebuilt, 6, l4.Length).Concat(l4.ToArray()).ToArray());
        BinaryPrimitives.WriteUInt16BigEndian(rebuilt.AsSpan(ip + 16), (ushort)~sum);
        return rebuilt;
    }

    internal sealed class RecordingSink : IGroSink
    {
        public List<byte[]> Frames { get; } = [];

        public void Emit(ReadOnlySpan<byte> frame) => Frames.Add(frame.ToArray());
    }
}
