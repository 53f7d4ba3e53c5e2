using Weft.Cli;
using Weft.Daemon;
using Weft.State;
using Xunit;

namespace Weft.Cli.Tests;

/// <summary>Only one daemon per state directory.</summary>
public class LockTests
{
    [Fact]
    public void Second_lock_on_the_same_state_dir_is_refused_with_the_holders_pid()
    {
        using var dir = new TempDirectory();
        var state = new StateLayout(dir.Path);

        using (StateLock.Acquire(state))
        {
            var e = Assert.Throws<UserErrorException>(() => StateLock.Acquire(state));
            Assert.Equal($"another weft is already running with state dir {state.Directory} (pid {Environment.ProcessId})", e.Message);
        }

        // Released: the next daemon gets it.
        using var again = StateLock.Acquire(state);
        Assert.True(File.Exists(state.Pid));
    }

    [Fact]
    public void Different_state_dirs_do_not_conflict()
    {
        using var a = new TempDirectory();
        using var b = new TempDirectory();
        using var lockA = StateLock.Acquire(new StateLayout(a.Path));
        using var lockB = StateLock.Acquire(new StateLayout(b.Path));
        Assert.NotNull(lockB);
    }
}
