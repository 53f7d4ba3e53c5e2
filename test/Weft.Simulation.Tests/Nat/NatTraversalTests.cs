using Weft.Core.Nat;
using Xunit;

namespace Weft.Simulation.Tests.Nat;

/// <summary>
/// Call me maybe and hole punching on the simulated internet: two members that start relayed go direct when at
/// least one side maps endpoint-independently, without losing a packet of a stream running across the switch;
/// symmetric–symmetric stays relayed and still carries traffic; failed attempts back off; a network change restarts.
/// </summary>
public sealed class NatTraversalTests(ITestOutputHelper output)
{
    /// <summary>The NAT kinds of the matrix, by name (outermost router first).</summary>
    private static NatBehavior[] Kind(string name) => name switch
    {
        "full-cone" => [NatBehavior.FullCone],
        "port-restricted" => [NatBehavior.PortRestrictedCone],
        "symmetric" => [NatBehavior.Symmetric],
        "double" => [NatBehavior.PortRestrictedCone, NatBehavior.PortRestrictedCone],
        "double-symmetric-outer" => [NatBehavior.Symmetric, NatBehavior.PortRestrictedCone],
        _ => throw new ArgumentException(name, nameof(name)),
    };

    [Theory]
    [InlineData("full-cone", "full-cone", 1)]
    [InlineData("port-restricted", "port-restricted", 2)]
    [InlineData("full-cone", "symmetric", 3)]
    [InlineData("port-restricted", "symmetric", 4)]
    [InlineData("symmetric", "port-restricted", 5)]
    [InlineData("double", "port-restricted", 6)]
    [InlineData("double", "double", 7)]
    [InlineData("double", "symmetric", 8)]
    public void A_relayed_pair_with_an_endpoint_independent_side_goes_direct_within_10_s_without_losing_a_packet(string a, string b, int seed)
    {
        using var world = new NatTraversalWorld(seed, Kind(a), Kind(b));
        Assert.True(world.Net.RunUntil(() => world.Ready, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100)), "mesh never formed");
        output.WriteLine($"t={world.Net.Clock.Elapsed.TotalSeconds:F1}s mesh formed: a behind {a}, b behind {b}");

        var (directAfter, relayedBefore) = StreamAcrossSwitch(world, TimeSpan.FromSeconds(10));
        Assert.True(directAfter is not null,
            $"still relayed after 10 s: a sees b '{world.A.Peer("b")?.Path}' ({world.A.Peer("b")?.NatTraversal}), b sees a '{world.B.Peer("a")?.Path}'\n"
            + Counters(world));
        output.WriteLine($"direct {directAfter!.Value.TotalSeconds:F2}s after the first packet: a→b {world.A.Peer("b")!.Path}, b→a {world.B.Peer("a")!.Path}");
        output.WriteLine($"{relayedBefore} packets had crossed the relay before the switch");
        Assert.True(relayedBefore > 0, "the stream never went through the relay, so the switch was not exercised");
        Assert.Null(world.A.Peer("b")!.NatTraversal);
        var counters = world.A.Node.GetStatus().Counters;
        var other = world.B.Node.GetStatus().Counters;
        Assert.True(counters.HolePunchSuccesses + other.HolePunchSuccesses >= 1, Counters(world));
        output.WriteLine(Counters(world));
    }

    [Fact]
    public void Two_members_behind_the_same_NAT_talk_over_their_LAN_addresses()
    {
        using var world = new NatTraversalWorld(11, Kind("port-restricted"), [], sameNat: true);
        Assert.True(world.Net.RunUntil(() => world.Ready, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100)), "mesh never formed");
        var (directAfter, _) = StreamAcrossSwitch(world, TimeSpan.FromSeconds(10));
        Assert.NotNull(directAfter);
        var path = world.A.Peer("b")!.Path!;
        output.WriteLine($"a → b: {path}; b → a: {world.B.Peer("a")!.Path}");
        Assert.Equal("direct udp " + world.B.Host.Ipv4 + ":51820", path.Replace("direct ", "direct udp ", StringComparison.Ordinal)
            .Replace("udp udp", "udp", StringComparison.Ordinal));
        Assert.Contains(world.A.Host.Ipv4.ToString(), world.B.Peer("a")!.Path!, StringComparison.Ordinal);
    }

    [Fact]
    public void A_symmetric_pair_goes_direct_when_one_side_holds_a_port_mapping()
    {
        using var world = new NatTraversalWorld(25, Kind("symmetric"), Kind("symmetric"));
        var router = (NatRouter)world.Net.GetHost("a-nat1");
        var mapped = router.AddPortMapping(new System.Net.IPEndPoint(world.A.Host.Ipv4, 51820), 40000);
        world.A.Node.SetMappedEndpoint(mapped);
        Assert.True(world.Net.RunUntil(() => world.Ready, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100)), "mesh never formed");

        var (directAfter, _) = StreamAcrossSwitch(world, TimeSpan.FromSeconds(10));
        Assert.True(directAfter is not null, $"still relayed: a sees b '{world.A.Peer("b")?.Path}', b sees a '{world.B.Peer("a")?.Path}'\n" + Counters(world));
        output.WriteLine($"direct after {directAfter!.Value.TotalSeconds:F2}s: b → a {world.B.Peer("a")!.Path}, a → b {world.A.Peer("b")!.Path}");
        Assert.Equal("direct udp " + mapped, world.B.Peer("a")!.Path);
        Assert.Equal(0, world.A.Node.GetStatus().Counters.NatSweepPackets + world.B.Node.GetStatus().Counters.NatSweepPackets);
    }

    [Fact]
    public void Symmetric_to_symmetric_stays_relayed_and_still_carries_traffic()
    {
        using var world = new NatTraversalWorld(21, Kind("symmetric"), Kind("symmetric"));
        Assert.True(world.Net.RunUntil(() => world.Ready, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100)), "mesh never formed");
        var (directAfter, _) = StreamAcrossSwitch(world, TimeSpan.FromSeconds(20));
        Assert.Null(directAfter);
        Assert.StartsWith("via ", world.A.Peer("b")!.Path, StringComparison.Ordinal);
        var status = world.A.Peer("b")!.NatTraversal;
        output.WriteLine($"a → b: {world.A.Peer("b")!.Path}, nat traversal: {status}");
        Assert.NotNull(status);
        Assert.Equal(0, world.A.Node.GetStatus().Counters.NatSweepPackets + world.B.Node.GetStatus().Counters.NatSweepPackets);
        output.WriteLine(Counters(world));
    }

    [Fact]
    public void Failed_attempts_back_off_and_a_network_change_restarts_at_once()
    {
        // UDP between the two sites never gets through (both NATs map per destination and filter per endpoint):
        // every attempt fails. Attempts then come after 5, 10, 20, 40 s, then every 60 s.
        using var world = new NatTraversalWorld(31, Kind("symmetric"), Kind("symmetric"));
        Assert.True(world.Net.RunUntil(() => world.Ready, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100)), "mesh never formed");
        world.A.SendFromTun(world.B.MeshAddress, NatTraversalWorld.Payload("a", 0));
        Assert.True(world.Net.RunUntil(() => world.A.Node.GetStatus().Counters.HolePunchAttempts > 0, TimeSpan.FromSeconds(10)), "no attempt started");
        long Attempts() => world.A.Node.GetStatus().Counters.HolePunchAttempts;
        var first = Attempts();
        world.Net.RunFor(TimeSpan.FromMinutes(2));
        var inTwoMinutes = Attempts() - first;
        output.WriteLine($"attempts in 2 virtual minutes after the first: {inTwoMinutes}; status '{world.A.Peer("b")!.NatTraversal}'");

        // Without backoff (one attempt every 5 s probe window + 5 s) there would be ~12; with it 5, 10, 20, 40, 60 s gaps: ≤ 5.
        Assert.InRange(inTwoMinutes, 3, 6);
        Assert.StartsWith("via ", world.A.Peer("b")!.Path, StringComparison.Ordinal);
        Assert.Matches("^(retry in [0-9]+s|punching)$", world.A.Peer("b")!.NatTraversal ?? "");

        // Run into the 60 s backoff, then say the network changed: an attempt starts at once.
        world.Net.RunUntil(() => world.A.Peer("b")!.NatTraversal is { } s && s.StartsWith("retry in ", StringComparison.Ordinal)
                                 && int.Parse(s[9..^1], System.Globalization.CultureInfo.InvariantCulture) > 20, TimeSpan.FromMinutes(2));
        var before = Attempts();
        output.WriteLine($"status before the change: {world.A.Peer("b")!.NatTraversal}");

        // Between attempts, b's candidates (known only from call me maybe, never proven) are not probed.
        var bOutside = ((NatRouter)world.Net.GetHost("b-nat1")).PublicAddress + ":";
        int SentToB() => world.Net.Trace.Lines.Count(l => l.Contains(" send ", StringComparison.Ordinal) && l.Contains(" a ", StringComparison.Ordinal)
                                                          && l.Contains("-> " + bOutside, StringComparison.Ordinal));
        world.Net.Trace.Enabled = true;
        world.Net.RunFor(TimeSpan.FromSeconds(10));
        Assert.Equal(before, Attempts());
        Assert.Equal(0, SentToB());

        world.A.Node.NotifyNetworkChanged();
        var changedAt = world.Net.Clock.Elapsed;
        Assert.True(world.Net.RunUntil(() => Attempts() > before, TimeSpan.FromSeconds(1)), "NotifyNetworkChanged did not restart the attempt");
        output.WriteLine($"after NotifyNetworkChanged: attempt started {(world.Net.Clock.Elapsed - changedAt).TotalSeconds:F1}s later; status {world.A.Peer("b")!.NatTraversal}");
        world.Net.RunFor(TimeSpan.FromSeconds(2));
        output.WriteLine($"datagrams from a to b's NAT during the attempt: {SentToB()}");
        Assert.True(SentToB() > 0, "the attempt probed nothing");
    }

    [Fact]
    public void A_forged_call_me_maybe_from_outside_the_session_is_just_a_bad_WireGuard_message()
    {
        using var world = new NatTraversalWorld(41, Kind("full-cone"), Kind("full-cone"));
        Assert.True(world.Net.RunUntil(() => world.Ready, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100)), "mesh never formed");
        var attacker = world.Internet.AddHost("attacker");
        var socket = attacker.Bind(4444);
        var forged = new CallMeMaybeMessage(CallMeMaybeType.Request, 7, Weft.Core.Nat.NatMapping.EndpointIndependent, false,
                                            [new NatCandidate(NatCandidateSource.Reflexive, attacker.EndPoint(4444))]).Encode();
        static long Bad(Weft.Core.WireGuard.WireGuardCounters c) =>
            c.DatagramsTooShort + c.UnknownType + c.InvalidLength + c.UnknownReceiverIndex + c.DecryptFailures;
        var before = world.Relay.Node.GetStatus().Counters;
        var badBefore = Bad(before.WireGuard);   // the WireGuard counters are live: read them now
        socket.Send(forged, world.Relay.Host.EndPoint(51820));
        world.Net.RunFor(TimeSpan.FromSeconds(1));
        var after = world.Relay.Node.GetStatus().Counters;
        output.WriteLine($"relay: bad WireGuard messages {badBefore} → {Bad(after.WireGuard)}, call me maybe received {after.CallMeMaybeReceived}");
        Assert.Equal(before.CallMeMaybeReceived, after.CallMeMaybeReceived);
        Assert.Equal(before.ControlMessagesMalformed, after.ControlMessagesMalformed);
        Assert.Equal(badBefore + 1, Bad(after.WireGuard));
        Assert.Equal(0, attacker.Counters.Delivered);
    }

    /// <summary>
    /// Streams packets both ways every 50 ms from the first one (which opens the relayed session) until both sides are
    /// direct (or <paramref name="limit"/> passes), 2 s more, then checks that every packet after the first delivered
    /// one arrived. Returns how long after the first packet both were direct (null: never), and how many a→b packets
    /// had arrived when they were.
    /// </summary>
    private (TimeSpan? DirectAfter, int RelayedBefore) StreamAcrossSwitch(NatTraversalWorld world, TimeSpan limit)
    {
        var net = world.Net;
        var start = net.Clock.Elapsed;
        var seq = 0;
        var timer = net.Clock.Every(TimeSpan.FromMilliseconds(50), () =>
        {
            world.A.SendFromTun(world.B.MeshAddress, NatTraversalWorld.Payload("a", seq));
            world.B.SendFromTun(world.A.MeshAddress, NatTraversalWorld.Payload("b", seq));
            seq++;
        });
        TimeSpan? directAfter = null;
        var relayedBefore = 0;
        if (net.RunUntil(() => world.A.IsDirectTo("b") && world.B.IsDirectTo("a"), limit, TimeSpan.FromMilliseconds(50)))
        {
            directAfter = net.Clock.Elapsed - start;
            relayedBefore = NatTraversalWorld.Received(world.B, world.A).Count;
        }

        net.RunFor(TimeSpan.FromSeconds(2));
        timer.Dispose();
        net.RunFor(TimeSpan.FromSeconds(1));
        foreach (var (from, to) in new[] { (world.A, world.B), (world.B, world.A) })
        {
            var got = NatTraversalWorld.Received(to, from);
            Assert.True(got.Count > 0, $"{to.Name} got nothing from {from.Name}");
            var missing = Enumerable.Range(got.Min, seq - got.Min).Where(i => !got.Contains(i)).ToList();
            output.WriteLine($"{from.Name} → {to.Name}: {seq} sent, first delivered #{got.Min}, {got.Count} delivered, missing after it: [{string.Join(", ", missing)}]");
            Assert.Empty(missing);
        }

        return (directAfter, relayedBefore);
    }

    private static string Counters(NatTraversalWorld world)
    {
        string Line(NatMember m)
        {
            var c = m.Node.GetStatus().Counters;
            return $"{m.Name}: cmm sent {c.CallMeMaybeSent} recv {c.CallMeMaybeReceived}, primers {c.NatPrimersSent}, sweep {c.NatSweepPackets}, " +
                   $"probes recv {c.NatProbesReceived}, attempts {c.HolePunchAttempts}, successes {c.HolePunchSuccesses}, switches {c.PathSwitches}";
        }

        return Line(world.A) + "\n" + Line(world.B);
    }
}
