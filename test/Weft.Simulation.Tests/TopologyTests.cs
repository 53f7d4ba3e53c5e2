using System.Net;
using Xunit;

namespace Weft.Simulation.Tests;

/// <summary>One scenario (ask a public server, get an answer) run across the topologies the mesh tests will use.</summary>
public sealed class TopologyTests(ITestOutputHelper output)
{
    public static TheoryData<string, bool> Placements => new()
    {
        { "public", true },
        { "port-restricted cone", true },
        { "symmetric", true },
        { "firewall", true },
        { "double nat", true },
        { "udp blocked", false },
    };

    [Theory]
    [MemberData(nameof(Placements))]
    public void A_client_reaches_a_public_server_and_gets_the_answer(string placement, bool expectAnswer)
    {
        var net = new SimNetwork(seed: 2, trace: true);
        var internet = net.AddSegment("internet", latency: TimeSpan.FromMilliseconds(25));
        var client = net.AddHostBehind("client", internet, Routers(placement));
        var server = new Reflector(internet.AddHost("server"), 3478);
        var inbox = new Inbox(net.Clock);
        var socket = client.Bind(0, inbox.Handler);

        net.Trace.Note($"client {client.Ipv4}:{socket.Port} asks {server.EndPoint}");
        socket.Send("probe"u8, server.EndPoint);
        var answered = net.RunUntil(() => inbox.Count > 0, TimeSpan.FromSeconds(2));

        output.WriteLine(net.Trace.ToString());
        Assert.Equal(expectAnswer, answered);
        if (answered)
        {
            var seen = IPEndPoint.Parse(inbox.Items[0].Text["seen ".Length..]);
            var expectedAddress = placement is "public" or "firewall" ? client.Ipv4 : net.GetHost("client-nat1").Ipv4;
            Assert.Equal(expectedAddress, seen.Address);
            Assert.Equal(server.EndPoint, inbox.Items[0].Source);
            Assert.Equal(49152, socket.Port);   // the first ephemeral port
        }
    }

    [Fact]
    public void A_router_lists_its_live_mappings_for_failure_messages()
    {
        var net = new SimNetwork(seed: 1);
        var internet = net.AddSegment("internet", latency: TimeSpan.FromMilliseconds(10));
        var client = net.AddHostBehind("a", internet, NatBehavior.RestrictedCone);
        var nat = (NatRouter)net.GetHost("a-nat1");
        var server = new Reflector(internet.AddHost("server"), 3478);
        var socket = client.Bind(5000);

        socket.Send("probe"u8, server.EndPoint);
        net.RunFor(TimeSpan.FromSeconds(3));

        var mapping = Assert.Single(nat.Mappings);
        output.WriteLine(mapping.ToString());
        Assert.Equal(new IPEndPoint(client.Ipv4, 5000), mapping.Inside);
        Assert.Equal(new IPEndPoint(nat.PublicAddress, 5000), mapping.Outside);
        Assert.Null(mapping.Destination);
        Assert.Equal(new IPEndPoint(server.EndPoint.Address, 0), Assert.Single(mapping.Permitted));
        Assert.Equal(TimeSpan.FromMilliseconds(3000 - 1), mapping.Idle);   // the probe crossed the NAT at 1 ms
    }

    [Fact]
    public void A_host_roams_from_one_lan_to_another_and_the_server_sees_its_new_endpoint()
    {
        var net = new SimNetwork(seed: 4, trace: true);
        var internet = net.AddSegment("internet", latency: TimeSpan.FromMilliseconds(20));
        var home = net.AddNatRouter("home", internet, NatBehavior.PortRestrictedCone);
        var cafe = net.AddNatRouter("cafe", internet, NatBehavior.Symmetric);
        var laptop = home.Inside.AddHost("laptop");
        var server = new Reflector(internet.AddHost("server"), 3478);
        var inbox = new Inbox(net.Clock);
        var socket = laptop.Bind(41641, inbox.Handler);

        socket.Send("from home"u8, server.EndPoint);
        net.Clock.Schedule(TimeSpan.FromMilliseconds(30), () =>
        {
            net.Trace.Note("the laptop leaves home while the answer is on its way");
            laptop.Interfaces[0].Detach();
            laptop.Attach(cafe.Inside);
        });
        net.RunFor(TimeSpan.FromSeconds(1));
        Assert.Empty(inbox.Items);
        Assert.Equal(1, home.Inside.Counters.Dropped(DropReason.NoRoute));   // the answer reached home after the laptop left

        socket.Send("from the cafe"u8, server.EndPoint);
        net.RunFor(TimeSpan.FromSeconds(1));
        output.WriteLine(net.Trace.ToString());
        var seen = IPEndPoint.Parse(Assert.Single(inbox.Items).Text["seen ".Length..]);
        Assert.Equal(cafe.PublicAddress, seen.Address);
        Assert.Equal(cafe.Inside, Assert.Single(laptop.Interfaces).Segment);
    }

    [Fact]
    public void RunUntil_with_a_check_interval_checks_only_on_the_interval()
    {
        var net = new SimNetwork(seed: 1);
        var checks = 0;
        var ticks = 0;
        using var timer = net.Clock.Every(TimeSpan.FromMilliseconds(1), () => ticks++);

        var held = net.RunUntil(() => { checks++; return ticks >= 250; }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));

        Assert.True(held);
        Assert.Equal(TimeSpan.FromMilliseconds(300), net.Clock.Elapsed);
        Assert.Equal(4, checks);   // at 0, 100, 200, 300 ms
        Assert.False(net.RunUntil(() => false, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(100)));
        Assert.Equal(TimeSpan.FromMilliseconds(550), net.Clock.Elapsed);
    }

    private static NatBehavior[] Routers(string placement) => placement switch
    {
        "public" => [],
        "port-restricted cone" => [NatBehavior.PortRestrictedCone],
        "symmetric" => [NatBehavior.Symmetric],
        "firewall" => [NatBehavior.Firewall],
        "double nat" => [NatBehavior.Symmetric, NatBehavior.PortRestrictedCone],
        "udp blocked" => [NatBehavior.UdpBlocked],
        _ => throw new ArgumentOutOfRangeException(nameof(placement), placement, null),
    };
}
