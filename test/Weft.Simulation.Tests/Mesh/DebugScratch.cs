using Xunit;

namespace Weft.Simulation.Tests.Mesh;

public sealed class DebugScratch(ITestOutputHelper output)
{
    [Fact]
    public void Scratch()
    {
        using var world = new MeshWorld(seed: 31, 4, [(0, 1), (1, 2), (2, 3)], i => "n" + i);
        Assert.True(world.Net.RunUntil(() => world.Converged(), TimeSpan.FromSeconds(30)));
        var missing = world.Exchange([(0, 3), (3, 0)], round: 1, TimeSpan.FromSeconds(20));
        foreach (var i in new[] { 0, 3 })
        {
            var c = world[i].Node.GetStatus().Counters.WireGuard;
            output.WriteLine($"n{i}: initS {c.HandshakeInitiationsSent} initR {c.HandshakeInitiationsReceived} respS {c.HandshakeResponsesSent} respR {c.HandshakeResponsesReceived} " +
                $"sess {c.SessionsEstablished} unexpResp {c.UnexpectedResponses} fail {c.HandshakeFailures} unkIdx {c.UnknownReceiverIndex} noEp {c.NoEndpoint} flooded {c.FloodedInitiations} replayInit {c.ReplayedInitiations} decrypt {c.DecryptFailures} cookieS {c.CookieRepliesSent} mac1 {c.BadMac1}");
            output.WriteLine(world[i].Node.GetMeshCounters().ToString());
        }
    }
}
