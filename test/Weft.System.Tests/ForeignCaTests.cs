using Weft.SystemTests.Lab;
using Weft.Tests;
using Xunit;

namespace Weft.SystemTests;

/// <summary>
/// Membership is a signature: a node whose certificate comes from another mesh's CA (a second
/// <c>weft init</c>) is refused, and both sides say why.
/// </summary>
public sealed class ForeignCaTests
{
    [Fact]
    public async Task NodeFromAnotherCaIsRefused()
    {
        Requires.Root();
        Requires.Programs("ip", "ping");
        await using var lab = new NetworkLab();
        lab.Log("Story: A runs mesh 'home'; a stranger from mesh 'other' (its own CA) points at A and is turned away.");
        var nsA = await lab.CreateNamespaceAsync("A");
        var nsS = await lab.CreateNamespaceAsync("stranger");
        var link = await lab.ConnectAsync(nsA, nsS);

        var a = await WeftScenario.InitMeshAsync(lab, nsA, "A");
        await a.SetLogLevelAsync("debug");
        await a.UpAsync();
        var aStatus = await a.StatusAsync();

        var otherCa = await WeftScenario.InitMeshAsync(lab, nsS, "other-ca", mesh: "other", name: "otherhome");
        var stranger = await WeftScenario.JoinAsync(lab, nsS, "stranger", otherCa, "intruder");
        await stranger.SetLogLevelAsync("debug");
        await stranger.UpAsync("--peer", WeftScenario.Endpoint(link.Ipv4A));

        lab.Log("The stranger cannot reach A's mesh address.");
        var reached = await WeftScenario.WaitForPingAsync(lab, nsS, aStatus.Ipv4Address!, TimeSpan.FromSeconds(8));
        Assert.False(reached, "a node from another CA reached A through the mesh");

        lab.Log("A's status shows the refusal: a refused peer with its problem, or a refusal counter.");
        var refused = await a.WaitUntilAsync(
            s => s.Peers.Any(p => !p.Verified && p.Problem is not null) || s.Refusals > 0,
            TimeSpan.FromSeconds(20),
            "A reports a refused peer");
        Assert.DoesNotContain(refused.Peers, p => p.Verified);

        lab.Log("And it says why: the certificate's CA is not one A trusts.");
        var statusReasons = refused.Peers.Select(p => p.Problem ?? "").Concat(refused.Counters.Where(c => c.Value > 0).Select(c => c.Key));
        var statusSaysCa = statusReasons.Any(MentionsCa);
        var logSaysCa = a.Daemon!.Lines.Any(MentionsCa) || stranger.Daemon!.Lines.Any(MentionsCa);
        lab.Log($"status names the CA: {statusSaysCa}; a daemon log names the CA: {logSaysCa}");
        Assert.True(
            logSaysCa,
            $"neither daemon log says the CA is the problem.\nA:\n{a.Daemon.Output}\nstranger:\n{stranger.Daemon!.Output}");
    }

    /// <summary>Whether a line names the CA as the reason ("unknown CA", "a CA this node does not trust", "UnknownCa", "issuer").</summary>
    private static bool MentionsCa(string? text) =>
        text is not null
        && (System.Text.RegularExpressions.Regex.IsMatch(text, @"\bCA\b")
            || text.Contains("certificate authority", StringComparison.OrdinalIgnoreCase)
            || text.Contains("unknownca", StringComparison.OrdinalIgnoreCase)
            || text.Contains("issuer", StringComparison.OrdinalIgnoreCase));
}
