using Weft.Core.Crypto;
using Xunit;

namespace Weft.Core.Tests.Crypto;

public class Tai64NTests
{
    public static TheoryData<string, string> KnownTimes => new()
    {
        // The Unix epoch is the WireGuard base label, zero nanoseconds.
        { "1970-01-01T00:00:00.0000000+00:00", "400000000000000a00000000" },
        // 2026-11-25 10:30:00.1234567 UTC: 1795602600 s = 0x6B06B8A8, 123456700 ns = 0x075BCCBC (python3 datetime).
        { "2026-11-25T10:30:00.1234567+00:00", "400000006b06b8b2075bccbc" },
        // Offsets do not matter: the same instant written with a +02:00 offset.
        { "2026-11-25T12:30:00.1234567+02:00", "400000006b06b8b2075bccbc" },
        // Just before the epoch: seconds round down, nanoseconds stay positive.
        { "1969-12-31T23:59:59.9999999+00:00", "4000000000000009" + "3b9ac99c" },
    };

    [Theory]
    [MemberData(nameof(KnownTimes))]
    public void WritesBigEndianLabelAndNanoseconds(string isoTime, string expectedHex)
    {
        byte[] output = new byte[Tai64N.Size];
        Tai64N.Write(DateTimeOffset.Parse(isoTime, System.Globalization.CultureInfo.InvariantCulture), output);
        Assert.Equal(expectedHex, Convert.ToHexStringLower(output));
    }

    [Fact]
    public void LaterTimesCompareGreater()
    {
        var time = new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
        byte[] previous = new byte[Tai64N.Size];
        byte[] current = new byte[Tai64N.Size];
        Tai64N.Write(time, previous);
        // Steps from one tick to many seconds, crossing second boundaries both ways.
        long[] stepsInTicks = [1, 9_999_999, 1, 5_000_000, 10_000_000 * 3600L, 7];
        foreach (long step in stepsInTicks)
        {
            time = time.AddTicks(step);
            Tai64N.Write(time, current);
            Assert.True(current.AsSpan().SequenceCompareTo(previous) > 0, $"{time:O} must be after the previous timestamp");
            current.CopyTo(previous, 0);
        }

        Tai64N.Write(time, current);
        Assert.Equal(0, current.AsSpan().SequenceCompareTo(previous));
    }

    [Fact]
    public void NeedsTwelveBytes() =>
        Assert.Throws<ArgumentException>(() => Tai64N.Write(DateTimeOffset.UnixEpoch, new byte[11]));
}
