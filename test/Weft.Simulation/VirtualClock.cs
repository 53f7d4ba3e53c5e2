using System.Runtime.InteropServices;

namespace Weft.Simulation;

/// <summary>
/// Deterministic virtual time for a simulation, and the scheduler that runs everything in it:
/// packet arrivals, timers made by <see cref="CreateTimer"/>, and test steps from
/// <see cref="Schedule"/>. Time moves only inside <see cref="RunFor"/> / <see cref="RunUntil"/>
/// and jumps from one event to the next; there is no wall clock anywhere.
/// </summary>
/// <remarks>
/// Events run in order of due time, then in the order they were scheduled (a sequence number),
/// so a run is a pure function of its inputs and seed. Single-threaded: every callback runs on the
/// thread that called Run*, and scheduling from another thread while a run is under way throws
/// (it would be a bug in the code under test: something escaped to the thread pool).
/// </remarks>
public sealed class VirtualClock : TimeProvider
{
    private readonly PriorityQueue<Entry, Key> queue = new();
    private readonly DateTimeOffset start;
    private long ticks;
    private long sequence;
    private int runningThread;

    public VirtualClock(DateTimeOffset? start = null)
    {
        this.start = start ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    }

    /// <summary>Virtual time elapsed since the clock was created.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(ticks);

    /// <summary>Events run so far (packets, timers, steps), for scale figures.</summary>
    public long EventsRun { get; private set; }

    /// <summary>Events waiting in the scheduler (including stale timer entries).</summary>
    public int EventsPending => queue.Count;

    internal long Ticks => ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override DateTimeOffset GetUtcNow() => start.AddTicks(ticks);

    public override long GetTimestamp() => ticks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new VirtualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Runs <paramref name="action"/> once, <paramref name="delay"/> from now.</summary>
    public void Schedule(TimeSpan delay, Action action)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(action);
        ScheduleAt(ticks + delay.Ticks, new ActionEvent(action), 0);
    }

    /// <summary>Runs <paramref name="action"/> every <paramref name="period"/>, first after one period; dispose to stop.</summary>
    public ITimer Every(TimeSpan period, Action action)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(action);
        return CreateTimer(static s => ((Action)s!)(), action, period, period);
    }

    /// <summary>Runs every event due in the next <paramref name="duration"/>; the clock then stands at now + duration.</summary>
    public void RunFor(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        var target = ticks + duration.Ticks;
        Enter();
        try
        {
            while (queue.TryPeek(out _, out var key) && key.Ticks <= target)
            {
                RunOne();
            }

            ticks = target;
        }
        finally
        {
            runningThread = 0;
        }
    }

    /// <summary>
    /// Runs events until <paramref name="condition"/> holds (checked before the first event and after
    /// each one) or <paramref name="limit"/> of virtual time has passed. Returns whether it held; the
    /// clock stays at the moment it became true, or at now + limit.
    /// </summary>
    public bool RunUntil(Func<bool> condition, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, TimeSpan.Zero);
        var target = ticks + limit.Ticks;
        Enter();
        try
        {
            if (condition())
            {
                return true;
            }

            while (queue.TryPeek(out _, out var key) && key.Ticks <= target)
            {
                RunOne();
                if (condition())
                {
                    return true;
                }
            }

            ticks = target;
            return condition();
        }
        finally
        {
            runningThread = 0;
        }
    }

    /// <summary>
    /// Like <see cref="RunUntil(Func{bool}, TimeSpan)"/>, but checks <paramref name="condition"/> only
    /// every <paramref name="checkInterval"/> of virtual time (and at the start): for conditions that
    /// are expensive next to one event, such as "every one of 1000 nodes sees every other".
    /// The clock stops at the first check that holds.
    /// </summary>
    public bool RunUntil(Func<bool> condition, TimeSpan limit, TimeSpan checkInterval)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(checkInterval, TimeSpan.Zero);
        var target = ticks + limit.Ticks;
        while (true)
        {
            if (condition())
            {
                return true;
            }

            if (ticks >= target)
            {
                return false;
            }

            RunFor(TimeSpan.FromTicks(Math.Min(checkInterval.Ticks, target - ticks)));
        }
    }

    internal void ScheduleAt(long dueTicks, SimEvent ev, long version)
    {
        if (runningThread != 0 && runningThread != Environment.CurrentManagedThreadId)
        {
            throw new InvalidOperationException(
                "The simulation is single-threaded: something scheduled work from another thread while the clock was running.");
        }

        queue.Enqueue(new Entry(ev, version), new Key(Math.Max(dueTicks, ticks), sequence++));
    }

    private void RunOne()
    {
        queue.TryDequeue(out var entry, out var key);
        ticks = key.Ticks;
        EventsRun++;
        entry.Event.Fire(entry.Version);
    }

    private void Enter()
    {
        if (runningThread != 0)
        {
            throw new InvalidOperationException("VirtualClock.Run* is not re-entrant: it was called from inside a simulation callback.");
        }

        runningThread = Environment.CurrentManagedThreadId;
    }

    [StructLayout(LayoutKind.Auto)]
    private readonly record struct Entry(SimEvent Event, long Version);

    [StructLayout(LayoutKind.Auto)]
    private readonly record struct Key(long Ticks, long Sequence) : IComparable<Key>
    {
        public int CompareTo(Key other)
        {
            var c = Ticks.CompareTo(other.Ticks);
            return c != 0 ? c : Sequence.CompareTo(other.Sequence);
        }
    }
}
