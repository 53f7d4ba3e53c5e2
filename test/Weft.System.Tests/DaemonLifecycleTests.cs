using Weft.SystemTests.Lab;
using Weft.Tests;
using Xunit;

namespace Weft.SystemTests;

/// <summary>How <c>weft up</c> starts and stops: it owns its state directory alone and leaves no device behind.</summary>
public sealed class DaemonLifecycleTests
{
    [Fact]
    public async Task SigtermRemovesDevice()
    {
        Requires.Root();
        Requires.Programs("ip");
        await using var lab = new NetworkLab();
        lab.Log("Story: `weft up --interface NAME` creates NAME; SIGTERM stops it within 5 s with exit 0 and NAME is gone.");
        var ns = await lab.CreateNamespaceAsync("A");
        var a = await WeftScenario.InitMeshAsync(lab, ns, "A");
        var device = NetworkLab.UniqueName("t");
        var daemon = await a.UpAsync("--interface", device);
        await lab.MustRunAsync(ns, "ip", "link", "show", device);
        var status = await a.StatusAsync();
        if (status.Interface is not null)
        {
            Assert.Equal(device, status.Interface);
        }

        daemon.Signal();
        var exit = await daemon.WaitForExitAsync(TimeSpan.FromSeconds(5));
        Assert.True(exit is not null, $"weft up still runs 5 s after SIGTERM:\n{daemon.Output}");
        Assert.True(exit == 0, $"weft up exited with {exit} after SIGTERM:\n{daemon.Output}");
        var show = await lab.ExecAsync(ns, "ip", "link", "show", device);
        Assert.False(show.Succeeded, $"{device} still exists after weft up stopped: {show}");
    }

    [Fact]
    public async Task SecondUpOnTheSameStateIsRefused()
    {
        Requires.Root();
        Requires.Programs("ip");
        await using var lab = new NetworkLab();
        lab.Log("Story: a second `weft up` on a state directory that a running daemon owns exits non-zero and says so.");
        var ns = await lab.CreateNamespaceAsync("A");
        var a = await WeftScenario.InitMeshAsync(lab, ns, "A");
        var first = await a.UpAsync();

        var second = lab.StartProcess(ns, "A: second weft up", a.Argv("up", "--interface", NetworkLab.UniqueName("t")));
        var exit = await second.WaitForExitAsync(TimeSpan.FromSeconds(20));
        Assert.True(exit is not null, $"the second weft up is still running:\n{second.Output}");
        Assert.NotEqual(0, exit);
        var message = second.Output;
        Assert.True(
            message.Contains("already", StringComparison.OrdinalIgnoreCase)
            || message.Contains("running", StringComparison.OrdinalIgnoreCase)
            || message.Contains("lock", StringComparison.OrdinalIgnoreCase)
            || message.Contains("in use", StringComparison.OrdinalIgnoreCase),
            $"the refusal does not say the state is in use:\n{message}");
        Assert.DoesNotContain("   at ", message, StringComparison.Ordinal); // a message, not a stack trace

        lab.Log("The first daemon is unharmed.");
        Assert.False(first.HasExited, $"the first daemon died:\n{first.Output}");
        await a.StatusAsync();
    }
}
