using Weft.Core.Net;

namespace Weft.Simulation;

/// <summary>
/// Reproducible randomness for a simulation: an <see cref="IRandomSource"/> (for code under test)
/// and a <see cref="System.Random"/> (for the network's own choices) drawn from one seed.
/// A named stream (<see cref="ForStream"/>) gives each host, link and router its own sequence, so
/// adding traffic on one link does not reshuffle the choices made on another.
/// </summary>
/// <remarks>Not cryptographically secure, by design: a failing run must be replayable from its seed.</remarks>
public sealed class SeededRandom : IRandomSource
{
    public SeededRandom(int seed)
    {
        Seed = seed;
#pragma warning disable CA5394 // Deterministic on purpose: the simulation must replay from its seed.
        Random = new Random(seed);
#pragma warning restore CA5394
    }

    public int Seed { get; }

    /// <summary>The same stream as a <see cref="System.Random"/>.</summary>
    public Random Random { get; }

    /// <summary>A generator whose seed is derived from <paramref name="seed"/> and a stable hash of <paramref name="stream"/>.</summary>
    public static SeededRandom ForStream(int seed, string stream)
    {
        ArgumentNullException.ThrowIfNull(stream);

        // FNV-1a over the UTF-16 code units: stable across processes, unlike string.GetHashCode.
        var hash = 2166136261u ^ (uint)seed;
        foreach (var c in stream)
        {
            hash = (hash ^ c) * 16777619u;
        }

        hash = (hash ^ (hash >> 15)) * 0x2c1b3c6du;
        return new SeededRandom((int)(hash ^ (hash >> 12)));
    }

#pragma warning disable CA5394 // Deterministic on purpose.
    public void Fill(Span<byte> destination) => Random.NextBytes(destination);

    /// <summary>A double in [0, 1).</summary>
    public double NextDouble() => Random.NextDouble();

    /// <summary>An integer in [0, maxExclusive).</summary>
    public int Next(int maxExclusive) => Random.Next(maxExclusive);

    /// <summary>An integer in [minInclusive, maxExclusive).</summary>
    public int Next(int minInclusive, int maxExclusive) => Random.Next(minInclusive, maxExclusive);

    /// <summary>A long in [0, maxExclusive).</summary>
    public long NextInt64(long maxExclusive) => Random.NextInt64(maxExclusive);
#pragma warning restore CA5394
}
