using Weft.Platform.Udp;
using Xunit;

namespace Weft.Platform.Tests.Udp;

/// <summary>How a batch's datagram lengths split into UDP GSO runs.</summary>
public sealed class GsoRunTests
{
    public static TheoryData<int[], int[]> Cases => new()
    {
        // lengths → the run lengths, start to end
        { [1420, 1420, 1420, 900, 1420, 1420], [4, 2] },
        { [1, 1419, 1420, 1421, 9000], [1, 1, 1, 1, 1] },
        { [1421, 1420, 1420], [2, 1] },                 // the shorter one ends the run; the next starts its own
        { [1420, 0, 1420], [1, 1, 1] },                 // an empty datagram never joins a run (it would vanish)
        { [0, 0], [1, 1] },
        { [9000, 9000, 9000, 9000, 9000, 9000, 9000, 9000], [7, 1] }, // 7 × 9000 = 63,000 ≤ 65,000 < 72,000
        { [65000, 1], [1, 1] },                          // the total limit, not just the count
        { [65001], [1] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Lengths_split_into_runs_of_equal_datagrams_and_one_shorter_last(int[] lengths, int[] expected)
    {
        var runs = new List<int>();
        for (int start = 0; start < lengths.Length;)
        {
            int run = GsoRun.Length(lengths, start, lengths.Length);
            runs.Add(run);
            start += run;
        }

        Assert.Equal(expected, runs);
    }

    [Fact]
    public void A_run_stops_at_64_segments_and_at_the_end_given()
    {
        var lengths = Enumerable.Repeat(100, 150).ToArray();
        Assert.Equal(GsoRun.MaxSegments, GsoRun.Length(lengths, 0, lengths.Length));
        Assert.Equal(10, GsoRun.Length(lengths, 0, 10));
        Assert.Equal(1, GsoRun.Length(lengths, 149, 150));
    }
}
