using Weft.Core.Node;

namespace Weft.Daemon;

/// <summary>
/// Calls <see cref="MeshNode.Tick"/> every 100 ms on its own thread (the WireGuard timers,
/// hello retries, certificate expiry), until disposed. Ticks never overlap.
/// </summary>
internal sealed class TickLoop : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly MeshNode _node;
    private readonly ManualResetEventSlim _stop = new();
    private readonly Thread _thread;

    public TickLoop(MeshNode node)
    {
        _node = node;
        _thread = new Thread(Run) { IsBackground = true, Name = "weft tick" };
        _thread.Start();
    }

    public void Dispose()
    {
        _stop.Set();
        _thread.Join();
        _stop.Dispose();
    }

    private void Run()
    {
        while (!_stop.Wait(Interval))
        {
            _node.Tick();
        }
    }
}
