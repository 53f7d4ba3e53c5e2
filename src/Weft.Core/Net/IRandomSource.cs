using System.Security.Cryptography;

namespace Weft.Core.Net;

/// <summary>
/// Randomness for protocol choices (sender indexes, nonces, jitter, ephemeral keys).
/// Production uses the operating system's CSPRNG; a deterministic simulation may use a seeded one.
/// </summary>
public interface IRandomSource
{
    void Fill(Span<byte> destination);
}

/// <summary>The operating system's cryptographically secure random number generator.</summary>
public sealed class SystemRandomSource : IRandomSource
{
    public static SystemRandomSource Instance { get; } = new();

    private SystemRandomSource()
    {
    }

    public void Fill(Span<byte> destination) => RandomNumberGenerator.Fill(destination);
}
