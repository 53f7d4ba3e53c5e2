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

        lab.Log("A's status shows the refused peer, or counts the refusal, and says it is about the CA.");
        var refusedStatus = await a.WaitUntilAsync(
            s => s.Peers.Any(p => !p.Verified && MentionsCa(p.Problem)) || s.Counters.Any(c => c.Value > 0 && MentionsCa(c.Key)),
            TimeSpan.FromSeconds(20),
            "A reports a peer refused because of its CA");
        Assert.DoesNotContain(refusedStatus.Peers, p => p.Verified);

        lab.Log("Someone's log says why: the certificate's CA is not trusted.");
        var logs = a.Daemon!.Output + "\n" + stranger.Daemon!.Output;
        Assert.True(
            logs.Split('\n').Any(MentionsCa),
            $"neither daemon log mentions the CA.\nA:\n{a.Daemon.Output}\nstranger:\n{stranger.Daemon.Output}");
    }

    private static bool MentionsCa(string? text) =>
        text is not null
        && (text.Contains("CA", StringComparison.Ordinal)
            || text.Contains("certificate authority", StringComparison.OrdinalIgnoreCase)
            || text.Contains("unknownca", StringComparison.OrdinalIgnoreCase)
            || text.Contains("issuer", StringComparison.OrdinalIgnoreCase));
}
