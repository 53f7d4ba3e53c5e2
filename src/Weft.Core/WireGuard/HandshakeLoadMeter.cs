namespace Weft.Core.WireGuard;

/// <summary>
/// Decides when the device is "under load" (WireGuard paper, section 5.3): when more handshake
/// messages arrive in one second than <see cref="Threshold"/>, every handshake message for the
/// next second must carry a valid mac2, i.e. prove with a cookie that its source address is real,
/// before the device spends a Diffie-Hellman on it. Senders without one get a cookie reply.
/// </summary>
/// <remarks>Thread-safe (its own lock); called only for handshake messages that passed mac1, never per data packet.</remarks>
internal sealed class HandshakeLoadMeter(long window, int threshold)
{
    /// <summary>Handshake messages per second above which the device asks for cookies.</summary>
    public const int DefaultThreshold = 256;

    private readonly Lock gate = new();
    private long windowStart = long.MinValue;
    private int count;
    private long loadedUntil = long.MinValue;

    public int Threshold => threshold;

    /// <summary>Counts one handshake message at <paramref name="now"/>; true if the device is under load.</summary>
    public bool Observe(long now)
    {
        lock (gate)
        {
            if (now - windowStart >= window || windowStart == long.MinValue)
            {
                windowStart = now;
                count = 0;
            }

            count++;
            if (count > threshold)
            {
                loadedUntil = now + window;
            }

            return now < loadedUntil;
        }
    }
}
