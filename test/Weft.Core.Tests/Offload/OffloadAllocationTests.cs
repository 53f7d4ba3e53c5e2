using Weft.Core.Net;
using Weft.Core.Offload;
using Xunit;

namespace Weft.Core.Tests.Offload;

/// <summary>The per-packet offload path allocates nothing: segment and coalesce thousands of packets, count bytes.</summary>
public sealed class OffloadAllocationTests
{
    [Fact]
    public void Segmenting_and_coalescing_thousands_of_packets_allocates_nothing()
    {
        var v4 = OffloadPackets.Tcp(4, OffloadPackets.PayloadBytes(64000, 1), 1, OffloadPackets.Ack | OffloadPackets.Psh);
        var h4 = OffloadPackets.AsSuperPacket(v4, VirtioNetHeader.GsoTcpV4, 1380);
        var v6 = OffloadPackets.Udp(6, OffloadPackets.PayloadBytes(30000, 2));
        var h6 = OffloadPackets.AsSuperPacket(v6, VirtioNetHeader.GsoUdpL4, 1200);
        var batch = new PacketBatch(64, 2048);
        var coalescer = new GroCoalescer();
        var sink = new CountingSink();

        Run(h4, v4, h6, v6, batch, coalescer, sink, rounds: 3); // warm up (tiering, statics)

        // Up to five measured runs, passing on the first with 0 bytes: the runtime may allocate on this thread now and
        // then while it tiers methods up on a busy machine; a per-segment allocation would show in every run.
        long segments = 0, allocated = -1;
        for (int attempt = 0; attempt < 5 && allocated != 0; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            segments = Run(h4, v4, h6, v6, batch, coalescer, sink, rounds: 100);
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.True(segments > 7000, $"only {segments} segments");
        Assert.Equal(0, allocated);
        Assert.True(sink.Frames > 100);
    }

    private static long Run(in VirtioNetHeader h4, byte[] v4, in VirtioNetHeader h6, byte[] v6, PacketBatch batch, GroCoalescer coalescer, CountingSink sink, int rounds)
    {
        long segments = 0;
        for (int r = 0; r < rounds; r++)
        {
            segments += SegmentAndCoalesce(h4, v4, batch, coalescer, sink);
            segments += SegmentAndCoalesce(h6, v6, batch, coalescer, sink);
            coalescer.Flush(sink);
        }

        return segments;
    }

    private static int SegmentAndCoalesce(in VirtioNetHeader header, byte[] packet, PacketBatch batch, GroCoalescer coalescer, CountingSink sink)
    {
        int cursor = 0, total = 0;
        GsoStatus status;
        do
        {
            batch.Clear();
            status = GsoSegmenter.Segment(header, packet, batch, 16, 32, ref cursor);
            for (int i = 0; i < batch.Count; i++)
            {
                coalescer.Add(batch.Packet(i), sink);
            }

            total += batch.Count;
        }
        while (status == GsoStatus.BatchFull);

        // Not Assert.Equal here: the assertion library allocates, the code under test must not.
        return status == GsoStatus.Complete ? total : -1_000_000;
    }

    private sealed class CountingSink : IGroSink
    {
        public long Frames { get; private set; }

        public long Bytes { get; private set; }

        public void Emit(ReadOnlySpan<byte> frame)
        {
            Frames++;
            Bytes += frame.Length;
        }
    }
}
