using System.Diagnostics;
using System.Net;
using Xunit;

namespace Weft.Simulation.Tests;

public sealed class ScaleTests(ITestOutputHelper output)
{
    [Fact]
    public void A_thousand_hosts_exchange_a_hundred_thousand_datagrams_in_well_under_a_few_seconds()
    {
        const int HostCount = 1000;
        const int PerHostPerRound = 100;
        var net = new SimNetwork(seed: 1);
        var internet = net.AddSegment("internet", new LinkProfile
        {
            Latency = TimeSpan.FromMilliseconds(10),
            Jitter = TimeSpan.FromMilliseconds(5),
            Loss = 0.01,
        });

        // A quarter of the hosts sit behind their own NAT.
        var hosts = new Host[HostCount];
        for (var i = 0; i < HostCount; i++)
        {
            hosts[i] = i % 4 == 3
                ? net.AddNatRouter("nat" + i, internet, NatBehavior.FullCone).Inside.AddHost("h" + i)
                : internet.AddHost("h" + i);
        }

        var received = new long[HostCount];
        var sockets = new SimSocket[HostCount];
        var endpoints = new IPEndPoint[HostCount];
        for (var i = 0; i < HostCount; i++)
        {
            var index = i;
            sockets[i] = hosts[i].Bind(41641, (_, _) => received[index]++);
            endpoints[i] = new IPEndPoint(hosts[i].Ipv4, 41641);
        }

        // Each public host sends one datagram every 10 ms to a pseudo-random public peer: 100 per host per second.
        var payload = new byte[148];
        var timers = new List<ITimer>();
        for (var i = 0; i < HostCount; i++)
        {
            var socket = sockets[i];
            var rng = hosts[i].Random;
            timers.Add(net.Clock.Every(TimeSpan.FromMilliseconds(10), () =>
            {
                var to = rng.Next(HostCount / 4) * 4;   // a public host
                socket.Send(payload, endpoints[to]);
            }));
        }

        // Warm-up second (pools, endpoint cache, queue capacity), then the measured second.
        net.RunFor(TimeSpan.FromSeconds(1));
        var sentBefore = net.Counters.Sent;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var wall = Stopwatch.StartNew();
        net.RunFor(TimeSpan.FromSeconds(1));
        wall.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        var sent = net.Counters.Sent - sentBefore;

        output.WriteLine($"{sent} datagrams in {wall.ElapsedMilliseconds} ms wall, {allocated} bytes allocated, {net.Clock.EventsRun} events total");
        output.WriteLine(net.Counters.ToString());
        Assert.Equal(HostCount * PerHostPerRound, sent);
        Assert.InRange(net.Counters.Delivered, 0.97 * 2 * sent, 2 * sent);
        Assert.True(wall.Elapsed < TimeSpan.FromSeconds(3), $"took {wall.Elapsed}");
        Assert.True(allocated < 64 * 1024, $"steady state allocated {allocated} bytes for {sent} datagrams");

        foreach (var t in timers)
        {
            t.Dispose();
        }
    }
}
