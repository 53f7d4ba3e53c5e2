using Weft.Core.Identity;

namespace Weft.Core.Mesh;

/// <summary>
/// One entry of a link-state advert: a member the origin has a live direct session with, and
/// what it costs to get there (the measured round-trip time, in units of 100 µs, at least 1).
/// </summary>
public readonly record struct LinkStateNeighbour(NodeId Node, uint Cost)
{
    /// <summary>The cost unit: one unit is this much round-trip time.</summary>
    public static readonly TimeSpan CostUnit = TimeSpan.FromTicks(1000);

    /// <summary>The cost of a link with round-trip time <paramref name="rtt"/> (never 0, saturates at <see cref="uint.MaxValue"/>).</summary>
    public static uint CostOf(TimeSpan rtt)
    {
        var units = rtt.Ticks / CostUnit.Ticks;
        return units < 1 ? 1u : units > uint.MaxValue ? uint.MaxValue : (uint)units;
    }
}
