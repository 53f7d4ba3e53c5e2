using System.Net;
using Weft.Core.Identity;
using Weft.Core.Mesh;
using Xunit;

namespace Weft.Simulation.Tests.Mesh;

/// <summary>
/// A member turned hostile (mallory) feeds its neighbour forged, foreign, expired, stale and
/// malformed adverts and bad relay envelopes. Each is refused and counted, nothing crashes, nothing
/// is flooded on, and every node's routes stay as they were.
/// </summary>
public sealed class BadInputTests(ITestOutputHelper output)
{
    [Fact]
    public void Forged_foreign_expired_stale_and_malformed_input_is_counted_and_changes_nothing()
    {
        // 0 = mallory, linked to 1 (her victim-neighbour); 1..6 a ring with a chord.
        var names = new[] { "mallory", "x", "b", "c", "d", "e", "f" };
        var edges = new List<(int, int)> { (0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 1), (2, 5) };
        using var world = new MeshWorld(seed: 60, names.Length, edges, i => names[i]);
        Assert.True(world.Net.RunUntil(() => world.Converged(), TimeSpan.FromSeconds(30)));
        var ghost = NodeKeys.Generate();
        var ghostCert = world.Ca.Sign(JoinRequest.Create(ghost, "ghost"), "ghost", [], [], IPAddress.Parse("100.64.9.9"), TimeSpan.FromSeconds(1),
                                      world.Net.Clock.GetUtcNow());
        world.Net.RunFor(TimeSpan.FromSeconds(3));
        var before = Routing(world);

        var mallory = world[0];
        var x = world[1];
        var victim = world[4];
        var now = world.Net.Clock.GetUtcNow();
        var expires = now + TimeSpan.FromMinutes(1);
        var high = (ulong)now.ToUnixTimeMilliseconds() + 1_000_000;
        void ToX(byte[] message) => Assert.True(mallory.Node.SendControlMessage(x.Keys.SessionPublicKey, message));

        output.WriteLine("1. an advert in the victim's name (a link to mallory, cost 1), signed by mallory");
        var forged = LinkStateAdvert.Create(victim.Keys, victim.Certificate, high, expires, true, [new LinkStateNeighbour(mallory.NodeId, 1)]);
        Resign(forged, mallory.Keys);
        ToX(forged);

        output.WriteLine("2. an advert from a member of a foreign mesh, correctly self-signed");
        var foreignCa = CertificateAuthority.Create("evil", IPNetwork.Parse("100.64.0.0/10"), "evil.weft", TimeSpan.FromDays(10), world.Net.Clock);
        var eve = NodeKeys.Generate();
        var eveCert = foreignCa.Sign(JoinRequest.Create(eve, "eve"), "eve", [], [], IPAddress.Parse("100.64.7.7"), TimeSpan.FromDays(1), now);
        ToX(LinkStateAdvert.Create(eve, eveCert, high, expires, true, [new LinkStateNeighbour(x.NodeId, 1)]));

        output.WriteLine("3. an advert carrying an expired certificate of this mesh");
        ToX(LinkStateAdvert.Create(ghost, ghostCert, high, expires, true, [new LinkStateNeighbour(x.NodeId, 1)]));

        output.WriteLine("4. a genuine but stale advert of the victim (sequence 1)");
        ToX(LinkStateAdvert.Create(victim.Keys, victim.Certificate, 1, expires, true, []));

        output.WriteLine("5. malformed adverts: truncated, garbage, a bad version");
        var genuine = LinkStateAdvert.Create(victim.Keys, victim.Certificate, high, expires, true, []);
        ToX(genuine[..(genuine.Length - 10)]);
        var garbage = new byte[300];
        new Random(1).NextBytes(garbage);
        garbage[0] = 0x05;
        ToX(garbage);
        var badVersion = (byte[])genuine.Clone();
        badVersion[1] = 9;
        ToX(badVersion);

        output.WriteLine("6. relay envelopes: ttl 0, to an unknown node, ttl 1 to a node two hops past x, garbage inside");
        var inner = new byte[64];
        inner[0] = 4;
        var unknown = NodeId.FromSessionKey(NodeKeys.Generate().SessionPublicKey);
        ToX(Envelope(0, world[3].NodeId, mallory.NodeId, inner));
        ToX(Envelope(5, unknown, mallory.NodeId, inner));
        ToX(Envelope(1, world[3].NodeId, mallory.NodeId, inner));
        var badInner = (byte[])inner.Clone();
        badInner[0] = 9;
        ToX(Envelope(5, world[3].NodeId, mallory.NodeId, badInner));

        world.Net.RunFor(TimeSpan.FromSeconds(3));
        var seen = x.Node.GetMeshCounters();
        output.WriteLine($"x: {seen.Database}");
        output.WriteLine($"x: envelopes dropped ttl={seen.EnvelopesDroppedTtl} no-route={seen.EnvelopesDroppedNoRoute} malformed={seen.EnvelopesDroppedMalformed}, forwarded={seen.EnvelopesForwarded}");
        Assert.Equal(1, seen.Database.BadSignature);
        Assert.Equal(2, seen.Database.UntrustedCertificate);
        Assert.True(seen.Database.Stale >= 1);
        Assert.Equal(3, seen.Database.Malformed);
        Assert.Equal(1, seen.EnvelopesDroppedTtl);
        Assert.Equal(1, seen.EnvelopesDroppedNoRoute);
        Assert.Equal(1, seen.EnvelopesDroppedMalformed);
        Assert.Equal(1, seen.EnvelopesForwarded);

        // The ttl-1 envelope was forwarded with ttl 0 and dropped by the next relay on the way to c.
        Assert.Equal(1, world.Members.Sum(m => m.Node.GetMeshCounters().EnvelopesDroppedTtl) - seen.EnvelopesDroppedTtl);

        // Nothing was flooded on: no other node saw a rejected advert, and routes are as they were.
        Assert.All(world.Members.Skip(2), m => Assert.Equal(0, m.Node.GetMeshCounters().Database.Rejected));
        Assert.Equal(before, Routing(world));
        Assert.Null(x.Node.ResolvePeer("eve"));
        Assert.Empty(world.Exchange([(1, 4), (4, 1), (0, 3)], round: 1, TimeSpan.FromSeconds(10)));
    }

    /// <summary>Every node's map links and path to every other node, as text.</summary>
    private static string Routing(MeshWorld world) => string.Join("\n", world.Members.Select(m =>
        m.Name + ": " + string.Join(" ", m.Node.GetMap().Links.Select(l => l.From[..6] + "-" + l.To[..6]).Order()) + " | " +
        string.Join(" ", world.Members.Where(o => o != m).Select(o => o.Name + ":" + (m.Node.RelayPathTo(o.NodeId) ?? "direct")))));

    private static void Resign(byte[] advert, NodeKeys signer)
    {
        var signed = advert.Length - LinkStateAdvert.SignatureSize;
        var transcript = new byte[LinkStateAdvert.SignatureContext.Length + signed];
        LinkStateAdvert.SignatureContext.CopyTo(transcript);
        advert.AsSpan(0, signed).CopyTo(transcript.AsSpan(LinkStateAdvert.SignatureContext.Length));
        signer.Sign(transcript, advert.AsSpan(signed));
    }

    private static byte[] Envelope(byte ttl, NodeId to, NodeId from, byte[] inner)
    {
        var envelope = new byte[RelayEnvelope.SizeFor(inner.Length)];
        RelayEnvelope.Write(envelope, ttl, to, from, inner);
        return envelope;
    }
}
