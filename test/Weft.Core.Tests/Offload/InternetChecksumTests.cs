using System.Buffers.Binary;
using Weft.Core.Offload;
using Xunit;

namespace Weft.Core.Tests.Offload;

/// <summary>The fast Internet checksum against a naive word-by-word reference, and its pseudo-header helpers.</summary>
public sealed class InternetChecksumTests
{
    [Fact]
    public void Matches_the_naive_sum_for_every_length_up_to_2000_at_odd_and_even_alignments()
    {
        var random = new Random(1071);
        var buffer = new byte[2000 + 8];
        random.NextBytes(buffer);
        for (int alignment = 0; alignment < 4; alignment++)
        {
            for (int length = 0; length <= 2000; length++)
            {
                var data = buffer.AsSpan(alignment, length);
                Assert.Equal(OffloadPackets.NaiveSum(data), InternetChecksum.Fold(InternetChecksum.Add(data)));
            }
        }
    }

    [Fact]
    public void Matches_the_naive_sum_on_all_ones_data_where_carries_pile_up()
    {
        var data = new byte[65535];
        data.AsSpan().Fill(0xff);
        for (int length = 65400; length <= 65535; length++)
        {
            Assert.Equal(OffloadPackets.NaiveSum(data.AsSpan(0, length)), InternetChecksum.Fold(InternetChecksum.Add(data.AsSpan(0, length))));
        }
    }

    [Fact]
    public void Rfc1071_example_words_sum_to_ddf2()
    {
        // RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2.
        byte[] data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        Assert.Equal(0xddf2, InternetChecksum.Fold(InternetChecksum.Add(data)));
        Assert.Equal(0x220d, InternetChecksum.Compute(data));
    }

    [Fact]
    public void Sums_of_parts_starting_at_even_offsets_add_up_to_the_sum_of_the_whole()
    {
        var data = OffloadPackets.PayloadBytes(1501, 7);
        uint whole = InternetChecksum.Add(data);
        uint parts = InternetChecksum.Add(data.AsSpan(600), InternetChecksum.Add(data.AsSpan(0, 600)));
        Assert.Equal(InternetChecksum.Fold(whole), InternetChecksum.Fold(parts));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public void Pseudo_header_sums_match_the_naive_sum_of_the_pseudo_header_bytes(int version)
    {
        var packet = OffloadPackets.Tcp(version, OffloadPackets.PayloadBytes(999, 3), 1, OffloadPackets.Ack);
        int l4 = packet.Length - OffloadPackets.IpHeaderLength(packet);
        ushort expected = OffloadPackets.NaiveSum(OffloadPackets.PseudoHeader(packet, 6, l4));
        Assert.Equal(expected, InternetChecksum.Fold(InternetChecksum.PseudoHeaderSum(packet, 6, l4)));

        // A full checksum through the helpers verifies with the naive reference.
        var tcp = packet.AsSpan(OffloadPackets.IpHeaderLength(packet));
        tcp[16] = 0;
        tcp[17] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], InternetChecksum.Finish(InternetChecksum.Add(tcp, InternetChecksum.PseudoHeaderSum(packet, 6, l4))));
        OffloadPackets.AssertChecksumsValid(packet);
    }
}
