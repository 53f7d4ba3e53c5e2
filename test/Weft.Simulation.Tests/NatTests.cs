using System.Net;
using Xunit;

namespace Weft.Simulation.Tests;

/// <summary>Each NAT type checked the way RFC 4787 describes it and RFC 5780 tests for it.</summary>
public sealed class NatTests(ITestOutputHelper output)
{
    public static TheoryData<string, bool, bool> MappingCases => new()
    {
        // behaviour, same mapping for same address other port, same mapping for other address
        { nameof(NatMappingBehavior.EndpointIndependent), true, true },
        { nameof(NatMappingBehavior.AddressDependent), true, false },
        { nameof(NatMappingBehavior.AddressAndPortDependent), false, false },
    };

    public static TheoryData<string, bool, bool> FilteringCases => new()
    {
        // behaviour, other port of the contacted address gets in, other address gets in
        { nameof(NatFilteringBehavior.EndpointIndependent), true, true },
        { nameof(NatFilteringBehavior.AddressDependent), true, false },
        { nameof(NatFilteringBehavior.AddressAndPortDependent), false, false },
    };

    [Theory]
    [MemberData(nameof(MappingCases))]
    public void Mapping_behaviour_decides_which_destinations_share_a_mapping(string mapping, bool sameForOtherPort, bool sameForOtherAddress)
    {
        var world = new NatWorld(NatBehavior.PortRestrictedCone with { Mapping = Enum.Parse<NatMappingBehavior>(mapping) });

        var first = world.Probe(world.S1Primary);
        var otherPort = world.Probe(world.S1OtherPort);
        var otherAddress = world.Probe(world.S2Primary);
        var again = world.Probe(world.S1Primary);
        output.WriteLine($"{mapping}: {first} {otherPort} {otherAddress} {again}");

        Assert.NotNull(first);
        Assert.Equal(world.Nat.PublicAddress, first.Address);
        Assert.Equal(first, again);                                  // a mapping is reused while alive
        Assert.Equal(sameForOtherPort, first.Equals(otherPort));
        Assert.Equal(sameForOtherAddress, first.Equals(otherAddress));
        Assert.Equal(otherPort!.Equals(otherAddress), sameForOtherAddress && sameForOtherPort);
    }

    [Theory]
    [MemberData(nameof(FilteringCases))]
    public void Filtering_behaviour_decides_who_may_send_to_a_mapping(string filtering, bool otherPortGetsIn, bool otherAddressGetsIn)
    {
        var world = new NatWorld(NatBehavior.PortRestrictedCone with { Filtering = Enum.Parse<NatFilteringBehavior>(filtering) });
        var mapped = world.Probe(world.S1Primary)!;

        Assert.True(world.Reaches(world.S1Primary, mapped, "from the contacted endpoint"));
        Assert.Equal(otherPortGetsIn, world.Reaches(world.S1OtherPort, mapped, "from s1's other port"));
        Assert.Equal(otherAddressGetsIn, world.Reaches(world.S2Primary, mapped, "from s2"));

        var filtered = (otherPortGetsIn ? 0 : 1) + (otherAddressGetsIn ? 0 : 1);
        Assert.Equal(filtered, world.Nat.Counters.Dropped(DropReason.NatFiltered));
    }

    [Theory]
    [InlineData(nameof(NatBehavior.FullCone))]
    [InlineData(nameof(NatBehavior.RestrictedCone))]
    [InlineData(nameof(NatBehavior.PortRestrictedCone))]
    [InlineData(nameof(NatBehavior.Symmetric))]
    public void Unsolicited_inbound_without_a_mapping_is_dropped(string preset)
    {
        var world = new NatWorld(Preset(preset));

        Assert.False(world.Reaches(world.S1Primary, new IPEndPoint(world.Nat.PublicAddress, 5000), "unsolicited"));
        Assert.Equal(1, world.Nat.Counters.Dropped(DropReason.NatFiltered));
        Assert.Equal(0, world.Nat.ActiveMappings);
    }

    [Fact]
    public void A_mapping_expires_after_the_timeout_without_outbound_traffic_and_outbound_keepalives_hold_it()
    {
        var behavior = NatBehavior.FullCone with { MappingTimeout = TimeSpan.FromSeconds(30) };
        var world = new NatWorld(behavior);
        var mapped = world.Probe(world.S1Primary)!;   // outbound at t=0, the answer comes back at 40 ms

        // Inbound traffic alone does not refresh the mapping (RFC 4787 REQ-6, InboundRefresh off).
        world.Net.RunFor(TimeSpan.FromSeconds(20));
        Assert.True(world.Reaches(world.S2Primary, mapped, "at 21 s"));
        world.Net.RunFor(TimeSpan.FromSeconds(9));
        Assert.False(world.Reaches(world.S2Primary, mapped, "at 31 s"));
        Assert.Equal(0, world.Nat.ActiveMappings);

        // A keepalive every 25 s keeps it for minutes.
        var kept = world.Probe(world.S1Primary)!;
        using var keepalive = world.Net.Clock.Every(TimeSpan.FromSeconds(25), () => world.Socket.Send("keepalive"u8, world.S1Primary.EndPoint));
        world.Net.RunFor(TimeSpan.FromMinutes(5));
        Assert.True(world.Reaches(world.S2Primary, kept, "after 5 min of keepalives"));
        Assert.Equal(1, world.Nat.ActiveMappings);
    }

    [Fact]
    public void Inbound_refresh_when_enabled_keeps_a_mapping_alive()
    {
        var world = new NatWorld(NatBehavior.FullCone with { MappingTimeout = TimeSpan.FromSeconds(30), InboundRefresh = true });
        var mapped = world.Probe(world.S1Primary)!;
        for (var i = 0; i < 5; i++)
        {
            world.Net.RunFor(TimeSpan.FromSeconds(20));
            Assert.True(world.Reaches(world.S2Primary, mapped, "inbound " + i));
        }
    }

    [Fact]
    public void Filter_permissions_expire_on_their_own()
    {
        var world = new NatWorld(NatBehavior.PortRestrictedCone with { MappingTimeout = TimeSpan.FromSeconds(30) });
        var mapped = world.Probe(world.S1Primary)!;

        // The mapping stays alive through traffic to s2 only; the permission for s1 lapses.
        using var keepalive = world.Net.Clock.Every(TimeSpan.FromSeconds(10), () => world.Socket.Send("to s2"u8, world.S2Primary.EndPoint));
        world.Net.RunFor(TimeSpan.FromSeconds(40));

        Assert.False(world.Reaches(world.S1Primary, mapped, "s1 after its permission expired"));
        Assert.True(world.Reaches(world.S2Primary, mapped, "s2, still permitted"));
    }

    [Fact]
    public void Port_preservation_keeps_the_inside_port_and_symmetric_nats_pick_random_ports()
    {
        var preserving = new NatWorld(NatBehavior.PortRestrictedCone);
        Assert.Equal(5000, preserving.Probe(preserving.S1Primary)!.Port);

        // A second inside host with the same port cannot get it too.
        var b = preserving.Nat.Inside.AddHost("b");
        var bInbox = new Inbox(preserving.Net.Clock);
        var bs = b.Bind(5000, bInbox.Handler);
        bs.Send("probe"u8, preserving.S1Primary.EndPoint);
        preserving.Net.RunFor(TimeSpan.FromSeconds(1));
        var bMapped = IPEndPoint.Parse(Assert.Single(bInbox.Items).Text["seen ".Length..]);
        Assert.NotEqual(5000, bMapped.Port);

        var symmetric = new NatWorld(NatBehavior.Symmetric);
        var ports = new[] { symmetric.S1Primary, symmetric.S1OtherPort, symmetric.S2Primary }.Select(r => symmetric.Probe(r)!.Port).ToList();
        output.WriteLine("symmetric ports: " + string.Join(", ", ports));
        Assert.Equal(3, ports.Distinct().Count());
        Assert.DoesNotContain(5000, ports);
        Assert.True(ports.Max() - ports.Min() > 3, "random allocation, not sequential");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Hairpinning_lets_inside_hosts_meet_at_the_public_address(bool hairpinning)
    {
        var world = new NatWorld(NatBehavior.FullCone with { Hairpinning = hairpinning });
        var aMapped = world.Probe(world.S1Primary)!;
        var b = world.Nat.Inside.AddHost("b");
        var bInbox = new Inbox(world.Net.Clock);
        var bs = b.Bind(6000, bInbox.Handler);

        bs.Send("hairpin"u8, aMapped);
        world.Net.RunFor(TimeSpan.FromSeconds(1));
        output.WriteLine(world.Net.Trace.Tail(10));

        if (hairpinning)
        {
            var got = world.Inbox.Items.Single(i => i.Text == "hairpin");
            // RFC 4787 REQ-9: the source is b's mapped (public) endpoint, not its private one.
            Assert.Equal(world.Nat.PublicAddress, got.Source.Address);
            Assert.Equal(6000, got.Source.Port);
        }
        else
        {
            Assert.DoesNotContain("hairpin", world.Inbox.Texts);
            Assert.Equal(1, world.Nat.Counters.Dropped(DropReason.NoHairpin));
        }
    }

    [Fact]
    public void Hairpinned_traffic_is_filtered_like_outside_traffic()
    {
        var world = new NatWorld(NatBehavior.PortRestrictedCone);
        var aMapped = world.Probe(world.S1Primary)!;
        var b = world.Nat.Inside.AddHost("b");
        var bs = b.Bind(6000);

        bs.Send("hairpin"u8, aMapped);
        world.Net.RunFor(TimeSpan.FromSeconds(1));

        Assert.DoesNotContain("hairpin", world.Inbox.Texts);
        Assert.Equal(1, world.Nat.Counters.Dropped(DropReason.NatFiltered));
    }

    [Fact]
    public void Double_nat_translates_twice_and_filters_at_both()
    {
        var net = new SimNetwork(seed: 1, trace: true);
        var internet = net.AddSegment("internet", latency: TimeSpan.FromMilliseconds(20));
        var carrier = net.AddNatRouter("cgnat", internet, NatBehavior.Symmetric);
        var home = net.AddNatRouter("home", carrier.Inside, NatBehavior.PortRestrictedCone);
        var a = home.Inside.AddHost("a");
        var server = internet.AddHost("server");
        var reflector = new Reflector(server, 3478);
        var inbox = new Inbox(net.Clock);
        var socket = a.Bind(5000, inbox.Handler);

        socket.Send("probe"u8, reflector.EndPoint);
        net.RunFor(TimeSpan.FromSeconds(1));
        output.WriteLine(net.Trace.ToString());

        var seen = IPEndPoint.Parse(Assert.Single(inbox.Items).Text["seen ".Length..]);
        Assert.Equal(carrier.PublicAddress, seen.Address);
        Assert.Equal(TimeSpan.FromMilliseconds(2 * (1 + 1 + 20)), inbox.Items[0].At);   // two LAN hops and the internet, each way
        Assert.Equal(1, carrier.ActiveMappings);
        Assert.Equal(1, home.ActiveMappings);
        Assert.Equal(2, carrier.Counters.Forwarded);
        Assert.Equal(2, home.Counters.Forwarded);

        var stranger = internet.AddHost("stranger");
        stranger.Bind(4000).Send("unsolicited"u8, seen);
        net.RunFor(TimeSpan.FromSeconds(1));
        Assert.Single(inbox.Items);
        Assert.Equal(1, carrier.Counters.Dropped(DropReason.NatFiltered));
    }

    [Fact]
    public void A_firewall_does_not_translate_and_admits_only_replies_over_ipv4_and_ipv6()
    {
        var net = new SimNetwork(seed: 1, trace: true);
        var internet = net.AddSegment("internet", latency: TimeSpan.FromMilliseconds(20));
        var office = net.AddNatRouter("office", internet, NatBehavior.Firewall);
        var a = office.Inside.AddHost("a");
        var server = internet.AddHost("server");
        var reflector = new Reflector(server, 3478);
        var inbox = new Inbox(net.Clock);
        var socket = a.Bind(5000, inbox.Handler);
        var stranger = internet.AddHost("stranger").Bind(4000);

        stranger.Send("unsolicited v4"u8, a.EndPoint(5000));
        stranger.Send("unsolicited v6"u8, new IPEndPoint(a.Ipv6!, 5000));
        socket.Send("probe"u8, reflector.EndPoint);
        socket.Send("probe"u8, new IPEndPoint(server.Ipv6!, 3478));
        net.RunFor(TimeSpan.FromSeconds(1));
        output.WriteLine(net.Trace.ToString());

        Assert.Equal([$"seen {a.Ipv4}:5000", $"seen [{a.Ipv6}]:5000"], inbox.Texts);
        Assert.Equal(2, office.Counters.Dropped(DropReason.NatFiltered));

        // Easy firewall: endpoint-independent filtering admits anyone once a has sent something.
        office.Behavior = office.Behavior with { Filtering = NatFilteringBehavior.EndpointIndependent };
        stranger.Send("now admitted"u8, a.EndPoint(5000));
        net.RunFor(TimeSpan.FromSeconds(1));
        Assert.Contains("now admitted", inbox.Texts);
        Assert.Throws<ArgumentException>(() => office.Behavior = NatBehavior.FullCone);
    }

    [Fact]
    public void A_nat_with_routed_ipv6_translates_ipv4_and_only_filters_ipv6()
    {
        var net = new SimNetwork(seed: 1, trace: true);
        var internet = net.AddSegment("internet", latency: TimeSpan.FromMilliseconds(20));
        var home = net.AddNatRouter("home", internet, NatBehavior.Symmetric, routedIpv6: true);
        var a = home.Inside.AddHost("a");
        var server = internet.AddHost("server");
        var v4Reflector = new Reflector(server, 3478);
        var inbox = new Inbox(net.Clock);
        var socket = a.Bind(5000, inbox.Handler);
        var stranger = internet.AddHost("stranger").Bind(4000);
        Assert.NotNull(a.Ipv6);

        stranger.Send("unsolicited v6"u8, new IPEndPoint(a.Ipv6!, 5000));
        socket.Send("probe"u8, v4Reflector.EndPoint);
        socket.Send("probe"u8, new IPEndPoint(server.Ipv6!, 3478));
        net.RunFor(TimeSpan.FromSeconds(1));
        output.WriteLine(net.Trace.ToString());

        var texts = inbox.Texts.ToList();
        Assert.Equal(2, texts.Count);
        Assert.StartsWith($"seen {home.PublicAddress}:", texts[0], StringComparison.Ordinal);   // IPv4 translated
        Assert.Equal($"seen [{a.Ipv6}]:5000", texts[1]);                                       // IPv6 as is
        Assert.Equal(1, home.Counters.Dropped(DropReason.NatFiltered));
    }

    [Fact]
    public void Udp_blocked_drops_everything_both_ways()
    {
        var world = new NatWorld(NatBehavior.UdpBlocked);
        Assert.Null(world.Probe(world.S1Primary));
        Assert.False(world.Reaches(world.S1Primary, new IPEndPoint(world.Nat.PublicAddress, 5000), "in"));
        Assert.Equal(2, world.Nat.Counters.Dropped(DropReason.UdpBlocked));

        world.Nat.Behavior = NatBehavior.PortRestrictedCone;
        Assert.NotNull(world.Probe(world.S1Primary));
    }

    [Fact]
    public void Flushing_mappings_like_a_reboot_breaks_the_inbound_path()
    {
        var world = new NatWorld(NatBehavior.FullCone);
        var mapped = world.Probe(world.S1Primary)!;
        world.Nat.FlushMappings();
        Assert.False(world.Reaches(world.S1Primary, mapped, "after reboot"));
    }

    public static TheoryData<string, string, bool> PunchCases => new()
    {
        { nameof(NatBehavior.PortRestrictedCone), nameof(NatBehavior.PortRestrictedCone), true },
        { nameof(NatBehavior.FullCone), nameof(NatBehavior.Symmetric), true },
        { nameof(NatBehavior.RestrictedCone), nameof(NatBehavior.Symmetric), true },
        { nameof(NatBehavior.PortRestrictedCone), nameof(NatBehavior.Symmetric), false },
        { nameof(NatBehavior.Symmetric), nameof(NatBehavior.Symmetric), false },
        { nameof(NatBehavior.Firewall), nameof(NatBehavior.PortRestrictedCone), true },
    };

    [Theory]
    [MemberData(nameof(PunchCases))]
    public void Two_peers_learn_their_mapped_endpoints_and_punch_a_hole(string leftNat, string rightNat, bool expectDirect)
    {
        // The story issue 4 will tell with real nodes: each peer asks a reflector for its public
        // endpoint, they swap endpoints out of band, then both send to each other at once.
        var net = new SimNetwork(seed: 9, trace: true);
        var internet = net.AddSegment("internet", latency: TimeSpan.FromMilliseconds(30), jitter: TimeSpan.FromMilliseconds(5));
        var reflector = new Reflector(internet.AddHost("stun"), 3478);
        var left = net.AddNatRouter("left", internet, Preset(leftNat)).Inside.AddHost("l");
        var right = net.AddNatRouter("right", internet, Preset(rightNat)).Inside.AddHost("r");
        var leftInbox = new Inbox(net.Clock);
        var rightInbox = new Inbox(net.Clock);
        var ls = left.Bind(41641, leftInbox.Handler);
        var rs = right.Bind(41641, rightInbox.Handler);

        ls.Send("probe"u8, reflector.EndPoint);
        rs.Send("probe"u8, reflector.EndPoint);
        net.RunFor(TimeSpan.FromSeconds(1));
        var leftPublic = IPEndPoint.Parse(leftInbox.Items[0].Text["seen ".Length..]);
        var rightPublic = IPEndPoint.Parse(rightInbox.Items[0].Text["seen ".Length..]);
        net.Trace.Note($"l is {leftPublic}, r is {rightPublic}");

        using var punchLeft = net.Clock.Every(TimeSpan.FromMilliseconds(200), () => ls.Send("punch from l"u8, leftInbox.Items.LastOrDefault(i => i.Text.StartsWith("punch", StringComparison.Ordinal))?.Source ?? rightPublic));
        using var punchRight = net.Clock.Every(TimeSpan.FromMilliseconds(200), () => rs.Send("punch from r"u8, rightInbox.Items.LastOrDefault(i => i.Text.StartsWith("punch", StringComparison.Ordinal))?.Source ?? leftPublic));
        var direct = net.RunUntil(() => leftInbox.Texts.Contains("punch from r") && rightInbox.Texts.Contains("punch from l"), TimeSpan.FromSeconds(5));

        output.WriteLine(net.Trace.Tail(40));
        output.WriteLine(net.DescribeCounters());
        Assert.Equal(expectDirect, direct);
    }

    private static NatBehavior Preset(string name) => name switch
    {
        nameof(NatBehavior.FullCone) => NatBehavior.FullCone,
        nameof(NatBehavior.RestrictedCone) => NatBehavior.RestrictedCone,
        nameof(NatBehavior.PortRestrictedCone) => NatBehavior.PortRestrictedCone,
        nameof(NatBehavior.Symmetric) => NatBehavior.Symmetric,
        nameof(NatBehavior.Firewall) => NatBehavior.Firewall,
        nameof(NatBehavior.UdpBlocked) => NatBehavior.UdpBlocked,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };
}
