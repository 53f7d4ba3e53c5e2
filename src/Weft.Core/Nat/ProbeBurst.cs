namespace Weft.Core.Nat;

/// <summary>
/// The probe burst of a NAT traversal attempt: each of the peer's candidates is pinged at these offsets from the
/// start of probing (t = 0, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2 s), so an opening found late is still caught.
/// </summary>
public static class ProbeBurst
{
    private static readonly TimeSpan[] Offsets =
    [
        TimeSpan.Zero, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(400),
        TimeSpan.FromMilliseconds(800), TimeSpan.FromMilliseconds(1600), TimeSpan.FromMilliseconds(3200),
    ];

    /// <summary>Pings in one burst.</summary>
    public static int Length => Offsets.Length;

    /// <summary>When ping <paramref name="step"/> (0-based) of a burst is due, from the burst's start.</summary>
    public static TimeSpan Offset(int step) => Offsets[step];
}
