using System.Buffers.Binary;

namespace Weft.Core.Identity;

/// <summary>
/// Freshness for hello requests: refuses a timestamp more than <see cref="MaxAge"/> old (or that
/// far in the future: clock skew) and any nonce already seen within that window. The memory is
/// bounded: a nonce is forgotten once its timestamp has left the window (after which the
/// timestamp check refuses it anyway); if <see cref="Capacity"/> live nonces are held, new hellos
/// are refused until some expire, so a flood can never make it forget a nonce that could still be
/// replayed. Apply it after the signature and certificate checks so only members can fill it.
/// Thread-safe.
/// </summary>
public sealed class HelloReplayGuard
{
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromMinutes(2);

    private readonly object gate = new();

    // Guarded by gate.
    private readonly Dictionary<UInt128, DateTimeOffset> seen = [];
    private readonly Queue<(UInt128 Nonce, DateTimeOffset ForgetAfter)> order = new();

    public HelloReplayGuard(int capacity = 4096, TimeSpan? maxAge = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        MaxAge = maxAge ?? DefaultMaxAge;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaxAge, TimeSpan.Zero, nameof(maxAge));
    }

    public int Capacity { get; }

    public TimeSpan MaxAge { get; }

    public int Count
    {
        get
        {
            lock (gate)
            {
                return seen.Count;
            }
        }
    }

    /// <summary>Refusals so far, by reason (for counters).</summary>
    public long RejectedStale { get; private set; }

    public long RejectedReplay { get; private set; }

    public long RejectedFull { get; private set; }

    /// <summary>Only checks the timestamp window (for replies, whose freshness is the echoed nonce).</summary>
    public bool IsFresh(DateTimeOffset timestamp, DateTimeOffset now, out string error)
    {
        if (timestamp < now - MaxAge)
        {
            error = $"the hello is too old ({Internal.Description.Span(now - timestamp)}; at most {Internal.Description.Span(MaxAge)})";
            return false;
        }

        if (timestamp > now + MaxAge)
        {
            error = $"the hello's timestamp is {Internal.Description.Span(timestamp - now)} in the future (clock skew)";
            return false;
        }

        error = "";
        return true;
    }

    /// <summary>True (and remembers the nonce) when the hello is fresh and its nonce new.</summary>
    public bool TryAccept(ReadOnlySpan<byte> nonce, DateTimeOffset timestamp, DateTimeOffset now, out string error)
    {
        if (nonce.Length != Hello.NonceSize)
        {
            throw new ArgumentException($"A hello nonce is {Hello.NonceSize} bytes.", nameof(nonce));
        }

        var key = BinaryPrimitives.ReadUInt128BigEndian(nonce);
        lock (gate)
        {
            if (!IsFresh(timestamp, now, out error))
            {
                RejectedStale++;
                return false;
            }

            while (order.TryPeek(out var oldest) && oldest.ForgetAfter < now)
            {
                order.Dequeue();
                seen.Remove(oldest.Nonce);
            }

            if (seen.ContainsKey(key))
            {
                RejectedReplay++;
                error = "the hello's nonce was seen before (a replay)";
                return false;
            }

            if (seen.Count >= Capacity)
            {
                RejectedFull++;
                error = "too many recent hellos; try again shortly";
                return false;
            }

            var forgetAfter = (timestamp > now ? timestamp : now) + MaxAge;
            seen.Add(key, forgetAfter);
            order.Enqueue((key, forgetAfter));
            error = "";
            return true;
        }
    }
}
