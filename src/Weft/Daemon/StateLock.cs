using System.Globalization;
using Weft.Cli;
using Weft.State;

namespace Weft.Daemon;

/// <summary>
/// The exclusive claim a running daemon holds on its state directory, so two <c>weft up</c> never
/// share one. It is an flock(LOCK_EX|LOCK_NB) on <c>weft.lock</c> (what .NET does for a
/// <see cref="FileStream"/> opened with <see cref="FileShare.None"/>): the kernel drops it when the
/// process dies, so a crash never leaves a stale lock. The holder's pid goes into <c>weft.pid</c>
/// (a separate file, because the locked file cannot be opened by anyone else) for the refusal message.
/// </summary>
internal sealed class StateLock : IDisposable
{
    private readonly FileStream _stream;
    private readonly string _pidPath;

    private StateLock(FileStream stream, string pidPath)
    {
        _stream = stream;
        _pidPath = pidPath;
    }

    /// <summary>Takes the lock or throws a <see cref="UserErrorException"/> naming the holder.</summary>
    public static StateLock Acquire(StateLayout state)
    {
        state.EnsureExists();
        FileStream stream;
        try
        {
            stream = new FileStream(state.Lock, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            var holder = ReadPid(state.Pid);
            throw new UserErrorException(
                $"another weft is already running with state dir {state.Directory}" + (holder is null ? "" : $" (pid {holder})"));
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UserErrorException($"cannot lock {state.Lock}: {e.Message}");
        }

        File.WriteAllText(state.Pid, Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        return new StateLock(stream, state.Pid);
    }

    public void Dispose()
    {
        try
        {
            File.Delete(_pidPath);
        }
        catch (IOException)
        {
            // Best effort: a stale pid file is harmless, the lock is what counts.
        }

        _stream.Dispose();
    }

    private static string? ReadPid(string path)
    {
        try
        {
            var text = File.ReadAllText(path).Trim();
            return text.Length > 0 ? text : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
