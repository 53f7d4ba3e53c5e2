namespace Weft.Simulation;

/// <summary>A one-off test step or callback scheduled with <see cref="VirtualClock.Schedule"/>.</summary>
internal sealed class ActionEvent(Action action) : SimEvent
{
    internal override void Fire(long version) => action();
}
