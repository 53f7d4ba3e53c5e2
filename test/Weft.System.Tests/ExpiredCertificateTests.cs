using System.Globalization;
using Weft.SystemTests.Lab;
using Weft.Tests;
using Xunit;

namespace Weft.SystemTests;

/// <summary>
/// A certificate past its not-after date is refused: either the member's own daemon will not use
/// it, or the other node turns the handshake away and says the certificate expired.
/// </summary>
public sealed class ExpiredCertificateTests
{
    private static readonly TimeSpan Validity = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task ExpiredCertificateIsRefused()
    {
        Requires.Root();
        Requires.Programs("ip", "ping");
        await using var lab = new NetworkLab();
        lab.Log("Story: A signs B a certificate that lives 8 seconds; once it has expired, B cannot get into the mesh.");
        var nsA = await lab.CreateNamespaceAsync("A");
        var nsB = await lab.CreateNamespaceAsync("B");
        var link = await lab.ConnectAsync(nsA, nsB);
        var a = await WeftScenario.InitMeshAsync(lab, nsA, "A");
        await a.SetLogLevelAsync("debug");
        await a.UpAsync();
        var aStatus = await a.StatusAsync();

        var shortLived = await ShortValidityOptionAsync(a);
        var b = await WeftScenario.JoinAsync(lab, nsB, "B", a, "laptop", shortLived);

        lab.Log($"Waiting until the certificate has expired ({Validity.TotalSeconds:F0} s validity, plus a margin).");
        var expiresBy = DateTimeOffset.UtcNow + Validity + TimeSpan.FromSeconds(2);
        await Poll.UntilAsync(() => Task.FromResult(DateTimeOffset.UtcNow > expiresBy), Validity + TimeSpan.FromSeconds(10));

        await b.SetLogLevelAsync("debug");
        var daemon = b.StartUp("--peer", WeftScenario.Endpoint(link.Ipv4A));
        var exit = await daemon.WaitForExitAsync(TimeSpan.FromSeconds(5));
        if (exit is not null)
        {
            lab.Log($"B's daemon refused to start with its expired certificate (exit {exit}).");
            Assert.NotEqual(0, exit);
            Assert.Contains("expire", daemon.Output, StringComparison.OrdinalIgnoreCase);
            return;
        }

        lab.Log("B's daemon runs; A must refuse it.");
        var reached = await WeftScenario.WaitForPingAsync(lab, nsB, aStatus.Ipv4Address!, TimeSpan.FromSeconds(8));
        Assert.False(reached, "a node with an expired certificate reached A through the mesh");
        var refused = await a.WaitUntilAsync(
            s => s.Peers.Any(p => !p.Verified && p.Problem is not null) || s.Refusals > 0,
            TimeSpan.FromSeconds(20),
            "A reports a refused peer");
        Assert.DoesNotContain(refused.Peers, p => p.Verified);
        var reasons = refused.Peers.Select(p => p.Problem ?? "").Concat(a.Daemon!.Lines).Concat(daemon.Lines);
        Assert.True(
            reasons.Any(r => r.Contains("expire", StringComparison.OrdinalIgnoreCase)),
            $"neither A's status nor the logs say the certificate expired.\nA:\n{a.Daemon.Output}\nB:\n{daemon.Output}");
    }

    /// <summary>
    /// The `weft sign` options that issue a certificate valid for <see cref="Validity"/>: a
    /// --not-after time when the CLI has one, else a --ttl with a duration in seconds.
    /// </summary>
    private static async Task<string[]> ShortValidityOptionAsync(WeftNode ca)
    {
        var help = await ca.RunAsync("sign", "--help");
        var text = help.Stdout + help.Stderr;
        if (text.Contains("--not-after", StringComparison.Ordinal))
        {
            var notAfter = (DateTimeOffset.UtcNow + Validity).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            return ["--not-after", notAfter];
        }

        if (text.Contains("--ttl", StringComparison.Ordinal) && !text.Contains("DAYS", StringComparison.Ordinal))
        {
            return ["--ttl", string.Create(CultureInfo.InvariantCulture, $"{Validity.TotalSeconds:F0}s")];
        }

        Assert.Fail(
            "`weft sign` cannot issue a certificate that expires within the test: it needs `--not-after TIME` "
            + "(ISO 8601 UTC, e.g. 2026-01-01T00:00:05Z) or a `--ttl` that takes seconds (e.g. 3s), "
            + $"but its help offers neither:\n{text}");
        return [];
    }
}
