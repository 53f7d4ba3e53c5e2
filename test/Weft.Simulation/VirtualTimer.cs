namespace Weft.Simulation;

/// <summary>
/// An <see cref="ITimer"/> driven by a <see cref="VirtualClock"/>: it fires on the thread that runs
/// the clock, at exactly its due virtual time. <see cref="Change"/> and <see cref="Dispose"/> bump
/// <see cref="version"/>, which makes any entry already in the scheduler stale.
/// </summary>
internal sealed class VirtualTimer(VirtualClock clock, TimerCallback callback, object? state) : SimEvent, ITimer
{
    private long version;
    private long periodTicks;
    private bool disposed;

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, TimeSpan.Zero);
        }

        if (period != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(period, TimeSpan.Zero);
        }

        if (disposed)
        {
            return false;
        }

        version++;
        periodTicks = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            clock.ScheduleAt(clock.Ticks + dueTime.Ticks, this, version);
        }

        return true;
    }

    internal override void Fire(long scheduledVersion)
    {
        if (disposed || scheduledVersion != version)
        {
            return;
        }

        if (periodTicks > 0)
        {
            // Rescheduled before the callback so that a Change inside the callback wins.
            clock.ScheduleAt(clock.Ticks + periodTicks, this, version);
        }

        callback(state);
    }

    public void Dispose()
    {
        disposed = true;
        version++;
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
