using System.Diagnostics;

namespace Weft.SystemTests.Lab;

/// <summary>
/// Waits for a condition by asking again and again until a deadline. The system tests use it
/// instead of fixed sleeps: they go on as soon as the condition holds and fail with a clear
/// message when it never does.
/// </summary>
public static class Poll
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>True as soon as <paramref name="condition"/> holds; false when <paramref name="timeout"/> passes first.</summary>
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await condition().ConfigureAwait(false))
            {
                return true;
            }

            if (clock.Elapsed >= timeout)
            {
                return false;
            }

            await Task.Delay(interval ?? DefaultInterval).ConfigureAwait(false);
        }
    }

    /// <summary>The first non-null value <paramref name="probe"/> returns; null when <paramref name="timeout"/> passes first.</summary>
    public static async Task<T?> ForValueAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, TimeSpan? interval = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(probe);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe().ConfigureAwait(false);
            if (value is not null)
            {
                return value;
            }

            if (clock.Elapsed >= timeout)
            {
                return null;
            }

            await Task.Delay(interval ?? DefaultInterval).ConfigureAwait(false);
        }
    }
}
