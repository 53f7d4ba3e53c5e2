using Weft.Core.WireGuard;
using Xunit;

namespace Weft.Core.Tests.WireGuard;

public class ReplayWindowTests
{
    [Fact]
    public void Accepts_in_order_and_rejects_duplicates()
    {
        var w = new ReplayWindow();
        for (ulong i = 0; i < 5000; i++)
        {
            Assert.True(w.TryAccept(i));
            Assert.False(w.TryAccept(i));
        }
    }

    [Fact]
    public void Accepts_out_of_order_inside_the_window_once()
    {
        var w = new ReplayWindow();
        Assert.True(w.TryAccept(100));
        Assert.True(w.TryAccept(50));
        Assert.True(w.TryAccept(0));
        Assert.False(w.TryAccept(50));
        Assert.True(w.TryAccept(99));
        Assert.False(w.TryAccept(100));
    }

    [Fact]
    public void Rejects_counters_older_than_the_window()
    {
        var w = new ReplayWindow();
        Assert.True(w.TryAccept(10_000));
        Assert.True(w.TryAccept(10_000 - ReplayWindow.WindowSize));
        Assert.False(w.TryAccept(10_000 - ReplayWindow.WindowSize - 1));
        Assert.False(w.TryAccept(0));
    }

    [Fact]
    public void Far_jump_ahead_clears_the_whole_ring()
    {
        var w = new ReplayWindow();
        for (ulong i = 0; i < 2048; i++)
        {
            Assert.True(w.TryAccept(i));
        }

        // Jump far ahead: every bit of the old ring must be forgotten, and counters just behind the new
        // highest (same ring positions as old ones) are accepted once.
        const ulong far = 1_000_000;
        Assert.True(w.TryAccept(far));
        for (ulong i = far - ReplayWindow.WindowSize; i < far; i++)
        {
            Assert.True(w.TryAccept(i), $"counter {i}");
        }

        for (ulong i = far - ReplayWindow.WindowSize; i <= far; i++)
        {
            Assert.False(w.TryAccept(i));
        }
    }

    [Fact]
    public void Window_wraps_around_word_and_ring_boundaries()
    {
        var w = new ReplayWindow();

        // Walk across many 64-bit word boundaries and several trips round the 32-word ring, with
        // each step leaving a hole that is filled later (still inside the window) exactly once.
        ulong highest = 0;
        for (ulong block = 0; block < 200; block++)
        {
            var top = (block * 64) + 63;
            Assert.True(w.TryAccept(top));
            highest = top;
            Assert.True(w.TryAccept(top - 1));
            if (block > 0)
            {
                var hole = (block * 64) - 1 - 64 + 2;   // in the previous word, never touched before
                Assert.True(w.TryAccept(hole), $"hole {hole} at block {block}");
                Assert.False(w.TryAccept(hole));
            }
        }

        Assert.False(w.TryAccept(highest));
        Assert.False(w.TryAccept(highest - ReplayWindow.WindowSize - 1));
    }

    [Fact]
    public void Exactly_at_the_boundary_words()
    {
        var w = new ReplayWindow();
        Assert.True(w.TryAccept(63));
        Assert.True(w.TryAccept(64));
        Assert.True(w.TryAccept(0));
        Assert.True(w.TryAccept(ReplayWindow.WindowSize + 64));   // moves by exactly the window
        Assert.False(w.TryAccept(63));                             // now too old (its word was reused)
        Assert.False(w.TryAccept(64));                             // still inside the window: a duplicate
        Assert.True(w.TryAccept(65));
        Assert.True(w.TryAccept(2047));
        Assert.False(w.TryAccept(ReplayWindow.WindowSize + 64));
    }

    [Fact]
    public void Rejects_counters_at_or_beyond_reject_after_messages()
    {
        var w = new ReplayWindow();
        Assert.False(w.TryAccept(WireGuardProtocol.RejectAfterMessages));
        Assert.False(w.TryAccept(ulong.MaxValue));
        Assert.True(w.TryAccept(WireGuardProtocol.RejectAfterMessages - 1));
        Assert.Equal(ulong.MaxValue - 8192, WireGuardProtocol.RejectAfterMessages);
    }
}
