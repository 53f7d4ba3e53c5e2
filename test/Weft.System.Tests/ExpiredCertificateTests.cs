using System.Globalization;
using Weft.SystemTests.Lab;
using Weft.Tests;
using Xunit;

namespace Weft.SystemTests;

/// <summary>
/// A certificate past its not-after date is refused. B joins with a certificate that lives a few
/// seconds: while it is valid B reaches A; once it has expired, A stops accepting B's traffic and
/// says the certificate expired, and B's daemon will not start again with it.
/// </summary>
public sealed class ExpiredCertificateTests
{
    private static readonly TimeSpan Validity = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task ExpiredCertificateIsRefused()
    {
        Requires.Root();
        Requires.Programs("ip", "ping");
        await using var lab = new NetworkLab();
        lab.Log($"Story: A signs B a certificate that lives {Validity.TotalSeconds:F0} s; B gets in while it is valid and is shut out once it has expired.");
        var nsA = await lab.CreateNamespaceAsync("A");
        var nsB = await lab.CreateNamespaceAsync("B");
        var link = await lab.ConnectAsync(nsA, nsB);
        var a = await WeftScenario.InitMeshAsync(lab, nsA, "A");
        await a.SetLogLevelAsync("debug");
        await a.UpAsync();
        var aStatus = await a.StatusAsync();

        var (signOptions, notAfter) = await ShortValidityOptionAsync(a);
        var b = await WeftScenario.JoinAsync(lab, nsB, "B", a, "laptop", signOptions);
        await b.SetLogLevelAsync("debug");

        lab.Log("While the certificate is valid, B comes up and reaches A.");
        var daemon = await b.UpAsync("--peer", WeftScenario.Endpoint(link.Ipv4A));
        await a.WaitForConnectedPeerAsync(WeftScenario.ConnectTimeout);
        Assert.True(DateTimeOffset.UtcNow < notAfter, "the short-lived certificate expired before the test could use it (slow machine?)");
        Assert.True(await WeftScenario.WaitForPingAsync(lab, nsB, aStatus.Ipv4Address!, notAfter - DateTimeOffset.UtcNow), "B never reached A while its certificate was valid");

        lab.Log($"Waiting until the certificate has expired ({notAfter:u}, plus 2 s).");
        var expired = notAfter + TimeSpan.FromSeconds(2);
        await Poll.UntilAsync(() => Task.FromResult(DateTimeOffset.UtcNow > expired), Validity + TimeSpan.FromSeconds(30));

        lab.Log("A now refuses B and says why.");
        var refused = await a.WaitUntilAsync(
            s => s.Peers.Any(p => !p.Verified && p.Problem is not null) || s.Counters.Any(c => c.Value > 0 && c.Key.Contains("expired", StringComparison.OrdinalIgnoreCase)),
            TimeSpan.FromSeconds(20),
            "A reports B's certificate as expired");
        Assert.DoesNotContain(refused.Peers, p => p.Verified);
        var ping = await lab.ExecAsync(nsB, TimeSpan.FromSeconds(15), "ping", "-c", "3", "-i", "0.3", "-W", "1", aStatus.Ipv4Address!);
        Assert.False(ping.Succeeded, $"B still reaches A with an expired certificate: {ping}");
        var reasons = refused.Peers.Select(p => p.Problem ?? "").Concat(refused.Counters.Where(c => c.Value > 0).Select(c => c.Key)).Concat(a.Daemon!.Lines);
        Assert.True(
            reasons.Any(r => r.Contains("expire", StringComparison.OrdinalIgnoreCase)),
            $"neither A's status nor its log says the certificate expired.\nA status:\n{refused.Json}\nA log:\n{a.Daemon.Output}");

        lab.Log("B's daemon, restarted, will not use its expired certificate.");
        await daemon.StopAsync(TimeSpan.FromSeconds(5));
        var again = b.StartUp("--peer", WeftScenario.Endpoint(link.Ipv4A));
        var exit = await again.WaitForExitAsync(TimeSpan.FromSeconds(15));
        Assert.True(exit is not null && exit != 0, $"B's daemon started with an expired certificate:\n{again.Output}");
        Assert.Contains("expire", again.Output, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The `weft sign` options that issue a certificate valid for <see cref="Validity"/>: a
    /// --not-after time when the CLI has one, else a --ttl with a duration in seconds.
    /// </summary>
    private static async Task<(string[] Options, DateTimeOffset NotAfter)> ShortValidityOptionAsync(WeftNode ca)
    {
        var help = await ca.RunAsync("sign", "--help");
        var text = help.Stdout + help.Stderr;
        if (text.Contains("--not-after", StringComparison.Ordinal))
        {
            var notAfter = DateTimeOffset.UtcNow + Validity;
            return (["--not-after", notAfter.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)], notAfter);
        }

        if (text.Contains("--ttl", StringComparison.Ordinal) && !text.Contains("DAYS", StringComparison.Ordinal))
        {
            return (["--ttl", string.Create(CultureInfo.InvariantCulture, $"{Validity.TotalSeconds:F0}s")], DateTimeOffset.UtcNow + Validity);
        }

        Assert.Fail(
            "`weft sign` cannot issue a certificate that expires within the test: it needs `--not-after TIME` "
            + "(ISO 8601 UTC, e.g. 2026-01-01T00:00:05Z) or a `--ttl` that takes seconds (e.g. 3s), "
            + $"but its help offers neither:\n{text}");
        return ([], default);
    }
}
