using Xunit;

namespace Weft.Simulation.Tests;

public sealed class VirtualClockTests
{
    [Fact]
    public void Timers_fire_in_due_order_then_creation_order_at_their_exact_time()
    {
        var clock = new VirtualClock();
        var fired = new List<(string Name, TimeSpan At, long Timestamp)>();
        void Record(object? name) => fired.Add(((string)name!, clock.Elapsed, clock.GetTimestamp()));

        using var t3 = clock.CreateTimer(Record, "c", TimeSpan.FromMilliseconds(30), Timeout.InfiniteTimeSpan);
        using var t1 = clock.CreateTimer(Record, "a", TimeSpan.FromMilliseconds(10), Timeout.InfiniteTimeSpan);
        using var t2a = clock.CreateTimer(Record, "b1", TimeSpan.FromMilliseconds(20), Timeout.InfiniteTimeSpan);
        using var t2b = clock.CreateTimer(Record, "b2", TimeSpan.FromMilliseconds(20), Timeout.InfiniteTimeSpan);

        clock.RunFor(TimeSpan.FromSeconds(1));

        Assert.Equal(["a", "b1", "b2", "c"], fired.Select(f => f.Name));
        Assert.Equal([10, 20, 20, 30], fired.Select(f => f.At.TotalMilliseconds));
        Assert.Equal(TimeSpan.FromMilliseconds(30).Ticks, fired[^1].Timestamp);
        Assert.Equal(TimeSpan.FromSeconds(1), clock.Elapsed);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 1, TimeSpan.Zero), clock.GetUtcNow());
    }

    [Fact]
    public void Periodic_timer_fires_every_period_until_changed_or_disposed()
    {
        var clock = new VirtualClock();
        var at = new List<double>();
        var timer = clock.CreateTimer(_ => at.Add(clock.Elapsed.TotalMilliseconds), null, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));

        clock.RunFor(TimeSpan.FromMilliseconds(350));
        Assert.Equal([100, 200, 300], at);

        timer.Change(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50));   // at 350: next 360, 410, ...
        clock.RunFor(TimeSpan.FromMilliseconds(100));
        Assert.Equal([100, 200, 300, 360, 410], at);

        timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        clock.RunFor(TimeSpan.FromSeconds(1));
        Assert.Equal(5, at.Count);

        timer.Change(TimeSpan.Zero, TimeSpan.FromMilliseconds(100));
        clock.RunFor(TimeSpan.FromMilliseconds(150));
        Assert.Equal(7, at.Count);

        timer.Dispose();
        clock.RunFor(TimeSpan.FromSeconds(1));
        Assert.Equal(7, at.Count);
        Assert.False(timer.Change(TimeSpan.Zero, TimeSpan.Zero));
    }

    [Fact]
    public void A_timer_callback_can_reschedule_itself_and_others()
    {
        var clock = new VirtualClock();
        var order = new List<string>();
        ITimer? second = null;
        using var first = clock.CreateTimer(_ =>
        {
            order.Add("first@" + clock.Elapsed.TotalMilliseconds);
            second!.Change(TimeSpan.FromMilliseconds(5), Timeout.InfiniteTimeSpan);
        }, null, TimeSpan.FromMilliseconds(10), Timeout.InfiniteTimeSpan);
        second = clock.CreateTimer(_ => order.Add("second@" + clock.Elapsed.TotalMilliseconds), null, TimeSpan.FromMilliseconds(12), Timeout.InfiniteTimeSpan);

        clock.RunFor(TimeSpan.FromMilliseconds(100));

        // The change at 10 ms moved "second" from 12 ms to 15 ms; the stale 12 ms entry does not fire.
        Assert.Equal(["first@10", "second@15"], order);
        second.Dispose();
    }

    [Fact]
    public void RunUntil_stops_when_the_condition_holds_or_at_the_limit()
    {
        var clock = new VirtualClock();
        var count = 0;
        using var timer = clock.Every(TimeSpan.FromMilliseconds(100), () => count++);

        Assert.True(clock.RunUntil(() => count == 3, TimeSpan.FromSeconds(10)));
        Assert.Equal(TimeSpan.FromMilliseconds(300), clock.Elapsed);

        Assert.False(clock.RunUntil(() => count == 100, TimeSpan.FromSeconds(1)));
        Assert.Equal(TimeSpan.FromMilliseconds(1300), clock.Elapsed);
        Assert.Equal(13, count);

        Assert.True(clock.RunUntil(() => true, TimeSpan.Zero));
    }

    [Fact]
    public void Scheduled_steps_run_in_order_with_timers()
    {
        var clock = new VirtualClock();
        var log = new List<string>();
        clock.Schedule(TimeSpan.FromSeconds(2), () => log.Add("step 2"));
        clock.Schedule(TimeSpan.FromSeconds(1), () =>
        {
            log.Add("step 1");
            clock.Schedule(TimeSpan.Zero, () => log.Add("step 1b"));
        });
        using var timer = clock.CreateTimer(_ => log.Add("timer"), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);

        clock.RunFor(TimeSpan.FromSeconds(5));

        Assert.Equal(["step 1", "timer", "step 1b", "step 2"], log);
    }

    [Fact]
    public void TimeProvider_helpers_work_on_virtual_time()
    {
        var clock = new VirtualClock();
        var start = clock.GetTimestamp();
        clock.RunFor(TimeSpan.FromMilliseconds(1500));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), clock.GetElapsedTime(start));

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3), clock);
        clock.RunFor(TimeSpan.FromSeconds(2.9));
        Assert.False(cts.IsCancellationRequested);
        clock.RunFor(TimeSpan.FromSeconds(0.1));
        Assert.True(cts.IsCancellationRequested);
    }

    [Fact]
    public void Running_from_inside_a_callback_is_a_bug()
    {
        var clock = new VirtualClock();
        Exception? caught = null;
        clock.Schedule(TimeSpan.Zero, () => caught = Record.Exception(() => clock.RunFor(TimeSpan.FromSeconds(1))));
        clock.RunFor(TimeSpan.FromSeconds(1));
        Assert.IsType<InvalidOperationException>(caught);
    }
}
