namespace Weft.Core.WireGuard;

/// <summary>
/// The receive-side sliding window of transport counters (RFC 6479 style): a ring of 32 64-bit
/// words remembers which of the last ~2000 counters were seen. A counter is accepted once; a
/// duplicate, one older than the window, or one at or beyond REJECT_AFTER_MESSAGES is refused.
/// </summary>
/// <remarks>
/// Not thread-safe: the owning <see cref="Keypair"/> serialises calls. Call it only after the
/// packet authenticated, so that forged counters cannot move the window.
/// <code>
///   ring (32 words × 64 bits = 2048 bits), word i holds counters with (counter / 64) % 32 == i
///   +--------+--------+--------+-----+--------+
///   | word 0 | word 1 | word 2 | ... | word31 |
///   +--------+--------+--------+-----+--------+
///   Moving forward clears the words between the old and new highest counter's words; the word
///   that is about to be reused is always cleared first, so the usable window is 31 × 64 counters.
/// </code>
/// </remarks>
internal sealed class ReplayWindow
{
    private const int BitsPerWord = 64;
    private const int RingWords = 32;

    /// <summary>How far behind the highest counter seen a counter may still be accepted.</summary>
    public const ulong WindowSize = (RingWords - 1) * BitsPerWord;

    private readonly ulong[] ring = new ulong[RingWords];
    private ulong highest;

    /// <summary>Accepts <paramref name="counter"/> if it is new, inside the window and below the limit.</summary>
    public bool TryAccept(ulong counter, ulong limit = WireGuardProtocol.RejectAfterMessages)
    {
        if (counter >= limit)
        {
            return false;
        }

        var word = counter / BitsPerWord;
        if (counter > highest)
        {
            var current = highest / BitsPerWord;
            var advance = Math.Min(word - current, RingWords);
            for (ulong i = 1; i <= advance; i++)
            {
                ring[(int)((current + i) % RingWords)] = 0;
            }

            highest = counter;
        }
        else if (highest - counter > WindowSize)
        {
            return false;
        }

        var index = (int)(word % RingWords);
        var bit = 1UL << (int)(counter % BitsPerWord);
        if ((ring[index] & bit) != 0)
        {
            return false;
        }

        ring[index] |= bit;
        return true;
    }

    /// <summary>Forgets every counter seen.</summary>
    public void Reset()
    {
        Array.Clear(ring);
        highest = 0;
    }
}
