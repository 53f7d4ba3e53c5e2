using System.Runtime.InteropServices;

namespace Weft.Daemon;

/// <summary>
/// SIGINT and SIGTERM as a task: the first one completes <see cref="Received"/> with the signal's
/// name and is consumed (the process does not die), so the daemon can stop in order: remove its
/// TUN device and delete its socket.
/// </summary>
internal sealed class ShutdownSignal : IDisposable
{
    private readonly TaskCompletionSource<string> _received = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;

    public ShutdownSignal()
    {
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    /// <summary>Completes with "SIGINT", "SIGTERM" or the reason given to <see cref="Trigger"/>.</summary>
    public Task<string> Received => _received.Task;

    /// <summary>True when shutdown came from <see cref="Fail"/> rather than a signal.</summary>
    public bool Failed { get; private set; }

    /// <summary>Asks for shutdown from inside, after a fatal error on a worker thread.</summary>
    public void Fail(string reason)
    {
        if (_received.TrySetResult(reason))
        {
            Failed = true;
        }
    }

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        _received.TrySetResult(context.Signal == PosixSignal.SIGINT ? "SIGINT" : "SIGTERM");
    }
}
