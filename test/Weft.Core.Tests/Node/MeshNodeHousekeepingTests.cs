using System.Net;
using Microsoft.Extensions.Logging;
using Weft.Core.Identity;
using Weft.Core.Node;
using Xunit;

namespace Weft.Core.Tests.Node;

/// <summary>The node's quieter duties: its own certificate's expiry, address ownership, and running on several threads at once.</summary>
public class MeshNodeHousekeepingTests
{
    [Fact]
    public void Own_certificate_near_expiry_warns_once_a_day()
    {
        using var mesh = new TestMesh();
        var a = mesh.AddNode("alpha", validity: TimeSpan.FromDays(9));
        int Warnings() => a.Logs.Entries.Count(e => e.Level == LogLevel.Warning && e.EventId == 2014);

        TestMesh.Step("nine days left: quiet");
        mesh.Run(TimeSpan.FromSeconds(1));
        Assert.Equal(0, Warnings());

        TestMesh.Step("seven days left: one warning, not one per tick");
        mesh.Time.Advance(TimeSpan.FromDays(2));
        mesh.Run(TimeSpan.FromSeconds(5));
        Assert.Equal(1, Warnings());
        mesh.Time.Advance(TimeSpan.FromHours(12));
        mesh.Run(TimeSpan.FromSeconds(1));
        Assert.Equal(1, Warnings());

        TestMesh.Step("a day later: again");
        mesh.Time.Advance(TimeSpan.FromHours(12));
        mesh.Run(TimeSpan.FromSeconds(1));
        Assert.Equal(2, Warnings());
    }

    [Fact]
    public void Owned_addresses_agree_with_the_certificate()
    {
        using var mesh = new TestMesh();
        var b = mesh.AddNode("bravo", subnets: [IPNetwork.Parse("192.168.50.0/24"), IPNetwork.Parse("fd99:1::/64")]);
        var owned = MeshNode.OwnedBy(b.Certificate);
        string[] probes =
        [
            b.Ipv4.ToString(), b.Ipv6.ToString(), "100.90.0.1", "100.90.0.200", "192.168.50.1", "192.168.50.255",
            "192.168.51.1", "fd99:1::7", "fd99:2::7", "10.0.0.1", "::1", "::ffff:" + b.Ipv4,
        ];
        foreach (var probe in probes)
        {
            var address = IPAddress.Parse(probe);
            var (isIpv6, bits) = AddressPrefix.ToNumber(address);
            Assert.True(b.Certificate.Owns(address) == owned.Owns(isIpv6, bits), probe);
        }
    }

    [Fact]
    public void Packet_threads_timer_and_status_calls_run_concurrently()
    {
        using var mesh = new TestMesh();
        var a = mesh.AddNode("alpha");
        var b = mesh.AddNode("bravo");
        b.Node.AddStaticPeer(a.Endpoint);
        mesh.Run(TimeSpan.FromSeconds(3));
        a.Tun.Keep = false;
        b.Tun.Keep = false;

        TestMesh.Step("two TUN threads, a UDP pump thread and a timer/API thread for at most 10 s");
        var toA = TestPackets.Ipv4(b.Ipv4, a.Ipv4, 500);
        var toB = TestPackets.Ipv6(a.Ipv6, b.Ipv6, 500);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        const int Packets = 20_000;
        var done = 0;
        var errors = new List<Exception>();

        Thread Start(Action body) => new(() =>
        {
            try
            {
                body();
            }
            catch (Exception e)
            {
                lock (errors)
                {
                    errors.Add(e);
                }
            }
        });

        var threads = new[]
        {
            Start(() =>
            {
                for (var i = 0; i < Packets && !stop.IsCancellationRequested; i++)
                {
                    b.FromTun(toA);
                }

                Interlocked.Increment(ref done);
            }),
            Start(() =>
            {
                for (var i = 0; i < Packets && !stop.IsCancellationRequested; i++)
                {
                    a.FromTun(toB);
                }

                Interlocked.Increment(ref done);
            }),
            Start(() =>
            {
                while (!stop.IsCancellationRequested && (Volatile.Read(ref done) < 2 || mesh.Network.Pump(1000) > 0))
                {
                    mesh.Network.Pump(1000);
                }
            }),
            Start(() =>
            {
                while (!stop.IsCancellationRequested && Volatile.Read(ref done) < 2)
                {
                    a.Node.Tick();
                    b.Node.Tick();
                    Assert.InRange(a.Node.GetStatus().Peers.Count, 1, 2);
                    a.Node.AddWireGuardPeer("phone", new byte[32] { 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 1 },
                                            [IPNetwork.Parse("10.77.0.5/32")], null);
                    Thread.Sleep(1);
                }
            }),
        };

        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            Assert.True(thread.Join(TimeSpan.FromSeconds(20)), "a thread hung (deadlock?)");
        }

        Assert.Empty(errors);
        Assert.False(stop.IsCancellationRequested, "the run did not finish in time");
        mesh.Pump();

        TestMesh.Step($"alpha received {a.Tun.Written}, bravo {b.Tun.Written} (the network's queue drops under load)");
        var counters = a.Counters;
        Assert.True(a.Tun.Written > 0 && b.Tun.Written > 0);
        Assert.Equal(a.Tun.Written, counters.PacketsToTun);
        Assert.Equal(Packets, counters.PacketsFromTun);
        Assert.Equal(0, counters.RxDroppedSpoofedSource + counters.RxDroppedUnverifiedPeer + counters.TxDroppedNoRoute);
    }
}
