using System.Net;
using System.Text;
using Xunit;

namespace Weft.Simulation.Tests;

public sealed class LinkTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    [Fact]
    public void A_datagram_arrives_after_exactly_the_link_latency_with_its_source()
    {
        var net = new SimNetwork(seed: 1, trace: true);
        var internet = net.AddSegment("internet", latency: 20 * Ms);
        var a = internet.AddHost("a");
        var b = internet.AddHost("b");
        var inbox = new Inbox(net.Clock);
        b.Bind(7000, inbox.Handler);
        var sender = a.Bind(5000);

        net.Clock.Schedule(5 * Ms, () => sender.Send("hello"u8, b.EndPoint(7000)));
        net.RunFor(TimeSpan.FromSeconds(1));

        output.WriteLine(net.Trace.ToString());
        var got = Assert.Single(inbox.Items);
        Assert.Equal(25 * Ms, got.At);
        Assert.Equal("hello", got.Text);
        Assert.Equal(new IPEndPoint(a.Ipv4, 5000), got.Source);
        Assert.Equal(1, a.Counters.Sent);
        Assert.Equal(1, b.Counters.Delivered);
        Assert.Equal(1, internet.Counters.Delivered);
    }

    [Fact]
    public void The_datagram_is_copied_on_send()
    {
        var net = new SimNetwork(seed: 1);
        var internet = net.AddSegment("internet", latency: Ms);
        var a = internet.AddHost("a");
        var b = internet.AddHost("b");
        var inbox = new Inbox(net.Clock);
        b.Bind(7000, inbox.Handler);
        var buffer = "original"u8.ToArray();

        a.Bind(5000).Send(buffer, b.EndPoint(7000));
        "CHANGED!"u8.CopyTo(buffer);
        net.RunFor(TimeSpan.FromSeconds(1));

        Assert.Equal("original", Assert.Single(inbox.Items).Text);
    }

    [Fact]
    public void Jitter_stays_within_bounds_spreads_over_them_and_never_reorders()
    {
        var net = new SimNetwork(seed: 3);
        var internet = net.AddSegment("internet", latency: 10 * Ms, jitter: 5 * Ms);
        var a = internet.AddHost("a");
        var b = internet.AddHost("b");
        var inbox = new Inbox(net.Clock);
        b.Bind(7000, inbox.Handler);
        var sender = a.Bind(5000);
        var sentAt = new List<TimeSpan>();
        var n = 0;
        using var timer = net.Clock.Every(2 * Ms, () =>
        {
            if (n < 1000)
            {
                sentAt.Add(net.Clock.Elapsed);
                sender.Send(BitConverter.GetBytes(n++), b.EndPoint(7000));
            }
        });

        net.RunFor(TimeSpan.FromSeconds(3));

        Assert.Equal(1000, inbox.Count);
        var delays = inbox.Items.Select(i => i.At - sentAt[BitConverter.ToInt32(i.Data)]).ToList();
        output.WriteLine($"delay min {delays.Min().TotalMilliseconds} ms, max {delays.Max().TotalMilliseconds} ms");
        Assert.All(delays, d => Assert.InRange(d, 10 * Ms, 15 * Ms));
        Assert.True(delays.Min() < 10.5 * Ms && delays.Max() > 14.5 * Ms, "jitter should use its whole range");
        Assert.Equal(Enumerable.Range(0, 1000), inbox.Items.Select(i => BitConverter.ToInt32(i.Data)));
    }

    [Fact]
    public void Loss_rate_is_within_statistical_bounds()
    {
        var net = new SimNetwork(seed: 42);
        var internet = net.AddSegment("internet", latency: Ms, loss: 0.1);
        var a = internet.AddHost("a");
        var b = internet.AddHost("b");
        var inbox = new Inbox(net.Clock);
        b.Bind(7000, inbox.Handler);
        var sender = a.Bind(5000);

        for (var i = 0; i < 10_000; i++)
        {
            sender.Send("x"u8, b.EndPoint(7000));
        }

        net.RunFor(TimeSpan.FromSeconds(1));

        // Binomial(10000, 0.9): mean 9000, sigma 30; 5 sigma either side.
        output.WriteLine(net.DescribeCounters());
        Assert.InRange(inbox.Count, 8850, 9150);
        Assert.Equal(10_000 - inbox.Count, internet.Counters.Dropped(DropReason.Loss));
        Assert.Equal(10_000 - inbox.Count, a.Counters.Dropped(DropReason.Loss));
    }

    [Fact]
    public void Bandwidth_limit_spaces_deliveries_by_serialisation_time_and_tail_drops_past_the_queue()
    {
        var net = new SimNetwork(seed: 1);
        var internet = net.AddSegment("internet", new LinkProfile
        {
            Latency = 10 * Ms,
            Bandwidth = 1_000_000,              // 1 Mbit/s
            QueueBytes = 10 * 1028,             // ten 1000-byte datagrams with IPv4+UDP headers
        });
        var a = internet.AddHost("a");
        var b = internet.AddHost("b");
        var inbox = new Inbox(net.Clock);
        b.Bind(7000, inbox.Handler);
        var sender = a.Bind(5000);
        var payload = new byte[1000];

        for (var i = 0; i < 20; i++)
        {
            payload[0] = (byte)i;
            sender.Send(payload, b.EndPoint(7000));
        }

        net.RunFor(TimeSpan.FromSeconds(1));

        // 1028 bytes * 8 / 1 Mbit/s = 8.224 ms each; datagram k arrives at (k+1) * 8.224 ms + 10 ms.
        Assert.Equal(10, inbox.Count);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (byte)i), inbox.Items.Select(i => i.Data[0]));
        for (var k = 0; k < 10; k++)
        {
            var expected = TimeSpan.FromTicks((k + 1) * 82_240) + 10 * Ms;   // 8.224 ms = 82240 ticks
            Assert.Equal(expected, inbox.Items[k].At);
        }

        Assert.Equal(10, internet.Counters.Dropped(DropReason.QueueFull));

        // Once the queue drains, sending resumes.
        sender.Send(payload, b.EndPoint(7000));
        net.RunFor(TimeSpan.FromSeconds(1));
        Assert.Equal(11, inbox.Count);
    }

    [Fact]
    public void A_cut_segment_drops_everything_until_healed_including_datagrams_in_flight()
    {
        var net = new SimNetwork(seed: 1, trace: true);
        var internet = net.AddSegment("internet", latency: 50 * Ms);
        var a = internet.AddHost("a");
        var b = internet.AddHost("b");
        var inbox = new Inbox(net.Clock);
        b.Bind(7000, inbox.Handler);
        var sender = a.Bind(5000);

        sender.Send("in flight"u8, b.EndPoint(7000));
        net.RunFor(10 * Ms);
        internet.Cut();
        sender.Send("while cut"u8, b.EndPoint(7000));
        net.RunFor(TimeSpan.FromSeconds(1));
        Assert.Empty(inbox.Items);
        Assert.Equal(2, internet.Counters.Dropped(DropReason.Cut));

        internet.Heal();
        sender.Send("after heal"u8, b.EndPoint(7000));
        net.RunFor(TimeSpan.FromSeconds(1));
        output.WriteLine(net.Trace.ToString());
        Assert.Equal(["after heal"], inbox.Texts);
    }

    [Fact]
    public void A_cut_host_attachment_isolates_only_that_host()
    {
        var net = new SimNetwork(seed: 1);
        var internet = net.AddSegment("internet", latency: Ms);
        var a = internet.AddHost("a");
        var b = internet.AddHost("b");
        var c = internet.AddHost("c");
        var inbox = new Inbox(net.Clock);
        b.Bind(7000, inbox.Handler);
        var fromA = a.Bind(5000);
        var fromC = c.Bind(5000);

        c.Interfaces[0].Cut();
        fromA.Send("from a"u8, b.EndPoint(7000));
        fromC.Send("from c"u8, b.EndPoint(7000));
        net.RunFor(TimeSpan.FromSeconds(1));
        Assert.Equal(["from a"], inbox.Texts);
        Assert.Equal(1, c.Counters.Dropped(DropReason.Cut));

        c.Interfaces[0].Heal();
        fromC.Send("from c again"u8, b.EndPoint(7000));
        net.RunFor(TimeSpan.FromSeconds(1));
        Assert.Equal(["from a", "from c again"], inbox.Texts);
    }

    [Fact]
    public void A_partition_separates_two_sides_and_heals()
    {
        var net = new SimNetwork(seed: 1);
        var internet = net.AddSegment("internet", latency: Ms);
        var hosts = Enumerable.Range(0, 4).Select(i => internet.AddHost("h" + i)).ToArray();
        var inboxes = hosts.Select(h => new Inbox(net.Clock)).ToArray();
        var sockets = hosts.Select((h, i) => h.Bind(7000, inboxes[i].Handler)).ToArray();

        internet.Partition(hosts[0], hosts[1]);
        sockets[0].Send("0->1"u8, hosts[1].EndPoint(7000));   // same side
        sockets[0].Send("0->2"u8, hosts[2].EndPoint(7000));   // across
        sockets[3].Send("3->2"u8, hosts[2].EndPoint(7000));   // same (other) side
        sockets[3].Send("3->1"u8, hosts[1].EndPoint(7000));   // across
        net.RunFor(TimeSpan.FromSeconds(1));
        Assert.Equal(["0->1"], inboxes[1].Texts);
        Assert.Equal(["3->2"], inboxes[2].Texts);
        Assert.Equal(2, internet.Counters.Dropped(DropReason.Cut));

        internet.Heal();
        sockets[0].Send("0->2 healed"u8, hosts[2].EndPoint(7000));
        net.RunFor(TimeSpan.FromSeconds(1));
        Assert.Equal(["3->2", "0->2 healed"], inboxes[2].Texts);
    }

    [Fact]
    public void Duplication_delivers_twice_and_reordering_lets_later_datagrams_overtake()
    {
        var net = new SimNetwork(seed: 5);
        var internet = net.AddSegment("internet", new LinkProfile { Latency = Ms, DuplicateProbability = 1 });
        var a = internet.AddHost("a");
        var b = internet.AddHost("b");
        var inbox = new Inbox(net.Clock);
        b.Bind(7000, inbox.Handler);
        var sender = a.Bind(5000);

        sender.Send("twice"u8, b.EndPoint(7000));
        net.RunFor(TimeSpan.FromSeconds(1));
        Assert.Equal(["twice", "twice"], inbox.Texts);
        Assert.Equal(1, internet.Counters.Duplicated);

        inbox.Items.Clear();
        internet.Profile = new LinkProfile { Latency = Ms, ReorderProbability = 0.3, ReorderDelay = 10 * Ms };
        var n = 0;
        using var timer = net.Clock.Every(Ms, () =>
        {
            if (n < 200)
            {
                sender.Send(BitConverter.GetBytes(n++), b.EndPoint(7000));
            }
        });
        net.RunFor(TimeSpan.FromSeconds(1));

        var order = inbox.Items.Select(i => BitConverter.ToInt32(i.Data)).ToList();
        Assert.Equal(200, order.Count);
        Assert.Equal(Enumerable.Range(0, 200), order.Order());
        var inversions = order.Zip(order.Skip(1)).Count(p => p.First > p.Second);
        output.WriteLine($"reordered {internet.Counters.Reordered}, inversions {inversions}");
        Assert.InRange(internet.Counters.Reordered, 30, 90);
        Assert.True(inversions > 10);
    }

    [Fact]
    public void Datagrams_larger_than_the_mtu_are_dropped()
    {
        var net = new SimNetwork(seed: 1);
        var internet = net.AddSegment("internet", latency: Ms);
        var a = internet.AddHost("a");
        var b = internet.AddHost("b");
        var inbox = new Inbox(net.Clock);
        b.Bind(7000, inbox.Handler);
        var sender = a.Bind(5000);

        sender.Send(new byte[1472], b.EndPoint(7000));                  // 1500 with IPv4 + UDP
        sender.Send(new byte[1473], b.EndPoint(7000));
        sender.Send(new byte[1452], new IPEndPoint(b.Ipv6!, 7000));     // 1500 with IPv6 + UDP
        sender.Send(new byte[1453], new IPEndPoint(b.Ipv6!, 7000));
        net.RunFor(TimeSpan.FromSeconds(1));

        Assert.Equal([1472, 1452], inbox.Items.Select(i => i.Data.Length));
        Assert.Equal(2, a.Counters.Dropped(DropReason.TooBig));
    }

    [Fact]
    public void IPv6_works_between_hosts_on_the_internet_and_ipv4_mapped_destinations_are_ipv4()
    {
        var net = new SimNetwork(seed: 1);
        var internet = net.AddSegment("internet", latency: Ms);
        var a = internet.AddHost("a");
        var b = internet.AddHost("b");
        var inbox = new Inbox(net.Clock);
        b.Bind(7000, inbox.Handler);
        var sender = a.Bind(5000);

        sender.Send("v6"u8, new IPEndPoint(b.Ipv6!, 7000));
        sender.Send("mapped"u8, new IPEndPoint(b.Ipv4.MapToIPv6(), 7000));
        net.RunFor(TimeSpan.FromSeconds(1));

        Assert.Equal(new IPEndPoint(a.Ipv6!, 5000), inbox.Items[0].Source);
        Assert.Equal(new IPEndPoint(a.Ipv4, 5000), inbox.Items[1].Source);
    }

    [Fact]
    public void Unbound_ports_unknown_addresses_and_closed_sockets_are_counted_drops()
    {
        var net = new SimNetwork(seed: 1);
        var internet = net.AddSegment("internet", latency: Ms);
        var a = internet.AddHost("a");
        var b = internet.AddHost("b");
        var sender = a.Bind(5000);

        sender.Send("nobody"u8, b.EndPoint(9));
        sender.Send("nowhere"u8, new IPEndPoint(IPAddress.Parse("198.51.100.1"), 9));
        sender.Dispose();
        sender.Send("closed"u8, b.EndPoint(9));
        net.RunFor(TimeSpan.FromSeconds(1));

        Assert.Equal(1, b.Counters.Dropped(DropReason.NoListener));
        Assert.Equal(1, a.Counters.Dropped(DropReason.NoRoute));
        Assert.Equal(1, a.Counters.Dropped(DropReason.SocketClosed));
        Assert.Equal(3, net.Counters.DroppedTotal);
    }

    [Fact]
    public void A_host_can_send_to_itself_and_a_multihomed_host_uses_the_right_interface()
    {
        var net = new SimNetwork(seed: 1);
        var internet = net.AddSegment("internet", latency: 20 * Ms);
        var backbone = net.AddSegment("backbone", latency: 2 * Ms, ipv4: IPNetwork.Parse("192.0.2.0/24"), ipv6: IPNetwork.Parse("2001:db8:ffff::/64"));
        var a = internet.AddHost("a");
        a.Attach(backbone);
        var b = backbone.AddHost("b");
        var inbox = new Inbox(net.Clock);
        var sa = a.Bind(7000, inbox.Handler);
        var bInbox = new Inbox(net.Clock);
        b.Bind(7000, bInbox.Handler);

        sa.Send("me"u8, a.EndPoint(7000));
        sa.Send("b"u8, b.EndPoint(7000));
        net.RunFor(TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.Zero, Assert.Single(inbox.Items).At);
        var got = Assert.Single(bInbox.Items);
        Assert.Equal(2 * Ms, got.At);
        Assert.Equal(a.Interfaces[1].Ipv4, got.Source.Address);
        Assert.Equal("192.0.2.1", got.Source.Address.ToString());
    }

    [Fact]
    public void Per_host_access_link_overrides_the_segment()
    {
        var net = new SimNetwork(seed: 1);
        var internet = net.AddSegment("internet", latency: 10 * Ms);
        var a = internet.AddHost("a");
        var b = internet.AddHost("b");
        a.Interfaces[0].Profile = internet.Profile with { Latency = 100 * Ms };
        var inA = new Inbox(net.Clock);
        var inB = new Inbox(net.Clock);
        var sa = a.Bind(7000, inA.Handler);
        var sb = b.Bind(7000, inB.Handler);

        sa.Send(Encoding.ASCII.GetBytes("slow uplink"), b.EndPoint(7000));
        sb.Send(Encoding.ASCII.GetBytes("normal"), a.EndPoint(7000));
        net.RunFor(TimeSpan.FromSeconds(1));

        Assert.Equal(100 * Ms, Assert.Single(inB.Items).At);
        Assert.Equal(10 * Ms, Assert.Single(inA.Items).At);
    }

    [Fact]
    public void Pairwise_latency_gives_the_internet_a_geography()
    {
        var net = new SimNetwork(seed: 1);
        var internet = net.AddSegment("internet", latency: 30 * Ms);
        var berlin = internet.AddHost("berlin");
        var paris = internet.AddHost("paris");
        var tokyo = internet.AddHost("tokyo");
        internet.SetLatency(berlin, paris, 8 * Ms);
        var inParis = new Inbox(net.Clock);
        var inBerlin = new Inbox(net.Clock);
        var inTokyo = new Inbox(net.Clock);
        var sb = berlin.Bind(7000, inBerlin.Handler);
        var sp = paris.Bind(7000, inParis.Handler);
        tokyo.Bind(7000, inTokyo.Handler);

        sb.Send("b->p"u8, paris.EndPoint(7000));
        sp.Send("p->b"u8, berlin.EndPoint(7000));
        sb.Send("b->t"u8, tokyo.EndPoint(7000));
        net.RunFor(TimeSpan.FromSeconds(1));

        Assert.Equal(8 * Ms, Assert.Single(inParis.Items).At);
        Assert.Equal(8 * Ms, Assert.Single(inBerlin.Items).At);
        Assert.Equal(30 * Ms, Assert.Single(inTokyo.Items).At);
    }
}
