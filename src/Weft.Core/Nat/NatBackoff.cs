namespace Weft.Core.Nat;

/// <summary>
/// When the next NAT traversal attempt toward a peer is due after failures: 5 s after the first failure, then
/// 10 s, 20 s, 40 s, then every 60 s. Reset (an attempt now) on network changes, a new port mapping, new reflexive
/// endpoints, or the session falling back to the relay after having been direct.
/// </summary>
public static class NatBackoff
{
    private static readonly TimeSpan[] Schedule =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(60),
    ];

    /// <summary>The wait after <paramref name="failures"/> failed attempts in a row (1 or more).</summary>
    public static TimeSpan After(int failures) => Schedule[Math.Clamp(failures, 1, Schedule.Length) - 1];
}
