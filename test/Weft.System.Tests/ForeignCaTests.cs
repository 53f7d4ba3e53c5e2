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
        await a.UpAsync();
        var aStatus = await a.StatusAsync();

        var otherCa = await WeftScenario.InitMeshAsync(lab, nsS, "other-ca", mesh: "other", name: "otherhome");
        var stranger = await WeftScenario.JoinAsync(lab, nsS, "stranger", otherCa, "intruder");
        await stranger.UpAsync("--peer", WeftScenario.Endpoint(link.Ipv4A));

        lab.Log("The stranger cannot reach A's mesh address.");
        var reached = await WeftScenario.WaitForPingAsync(lab, nsS, aStatus.Ipv4Address!, TimeSpan.FromSeconds(8));
        Assert.False(reached, "a node from another CA reached A through the mesh");

        lab.Log("A's status names the refused node and says why: its CA is not one A trusts.");
        var refused = await a.WaitUntilAsync(
            s => s.Refused.Any(r => r.Name == "intruder"),
            TimeSpan.FromSeconds(20),
            "A lists 'intruder' as refused");
        Assert.DoesNotContain(refused.Peers, p => p.Verified);
        var refusal = refused.Refused.Single(r => r.Name == "intruder");
        lab.Log($"A refused {refusal.Name} from {refusal.Source} {refusal.Count} time(s): {refusal.Reason}");
        Assert.True(MentionsCa(refusal.Reason), $"A's refusal reason does not name the CA: {refusal.Reason}");

        lab.Log("A's log says the same at the default level; the stranger's log says its hellos go unanswered and why that may be.");
        Assert.True(a.Daemon!.Lines.Any(l => l.Contains("intruder", StringComparison.Ordinal) && MentionsCa(l)),
            $"A's log does not name the intruder and the CA.\nA:\n{a.Daemon.Output}");
        var explained = await Poll.UntilAsync(
            () => Task.FromResult(stranger.Daemon!.Lines.Any(l => l.Contains("does not accept this node's certificate", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(20));
        Assert.True(explained, $"the stranger's log does not explain the unanswered hellos.\nstranger:\n{stranger.Daemon!.Output}");
    }

    /// <summary>Whether a line names the CA as the reason ("unknown CA", "a CA this node does not trust", "UnknownCa", "issuer").</summary>
    private static bool MentionsCa(string? text) =>
        text is not null
        && (System.Text.RegularExpressions.Regex.IsMatch(text, @"\bCA\b")
            || text.Contains("certificate authority", StringComparison.OrdinalIgnoreCase)
            || text.Contains("unknownca", StringComparison.OrdinalIgnoreCase)
            || text.Contains("issuer", StringComparison.OrdinalIgnoreCase));
}
