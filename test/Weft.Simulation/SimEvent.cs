namespace Weft.Simulation;

/// <summary>
/// Something the <see cref="VirtualClock"/> runs at a point of virtual time: a packet arriving,
/// a timer firing, a test step. Subclasses are reused (pooled packets, rescheduled timers), so the
/// scheduler stores a version next to each entry and an entry whose version is stale is skipped.
/// </summary>
internal abstract class SimEvent
{
    /// <summary>Runs the event. <paramref name="version"/> is the value given when it was scheduled.</summary>
    internal abstract void Fire(long version);
}
