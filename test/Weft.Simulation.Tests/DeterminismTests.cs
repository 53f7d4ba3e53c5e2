using System.Net;
using Xunit;

namespace Weft.Simulation.Tests;

public sealed class DeterminismTests(ITestOutputHelper output)
{
    [Fact]
    public void The_same_seed_gives_the_same_trace_and_another_seed_a_different_one()
    {
        var first = Run(seed: 7);
        var second = Run(seed: 7);
        var other = Run(seed: 8);

        output.WriteLine($"{first.Count} trace lines; first differing line with seed 8: {FirstDifference(first, other)}");
        Assert.True(first.Count > 1000, "the scenario should produce plenty of events");
        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Seeded_random_streams_are_stable_and_independent()
    {
        Span<byte> a = stackalloc byte[16];
        Span<byte> b = stackalloc byte[16];
        Span<byte> c = stackalloc byte[16];
        SeededRandom.ForStream(1, "host:a").Fill(a);
        SeededRandom.ForStream(1, "host:a").Fill(b);
        SeededRandom.ForStream(1, "host:b").Fill(c);
        Assert.True(a.SequenceEqual(b));
        Assert.False(a.SequenceEqual(c));

        var net = new SimNetwork(seed: 3);
        var internet = net.AddSegment("internet");
        var host = internet.AddHost("a");
        Span<byte> fromHost = stackalloc byte[16];
        host.Random.Fill(fromHost);
        SeededRandom.ForStream(3, "host:a").Fill(b);
        Assert.True(fromHost.SequenceEqual(b));
    }

    /// <summary>
    /// Twelve hosts (public, behind cone and symmetric NATs, behind a firewall) on a lossy,
    /// jittery, duplicating, reordering internet, each sending to random peers at random times.
    /// </summary>
    private static List<string> Run(int seed)
    {
        var net = new SimNetwork(seed, trace: true);
        var internet = net.AddSegment("internet", new LinkProfile
        {
            Latency = TimeSpan.FromMilliseconds(15),
            Jitter = TimeSpan.FromMilliseconds(10),
            Loss = 0.05,
            DuplicateProbability = 0.02,
            ReorderProbability = 0.05,
            Bandwidth = 2_000_000,
            QueueBytes = 8 * 1024,
        });
        var hosts = new List<Host>();
        var targets = new List<IPEndPoint>();
        for (var i = 0; i < 3; i++)
        {
            hosts.Add(internet.AddHost("pub" + i));
            targets.Add(new IPEndPoint(hosts[^1].Ipv4, 41641));
        }

        // Hosts behind NATs are addressed at their router's public address (the port is preserved
        // by the cone NATs; the symmetric ones and the firewall filter most of it: that is traffic too).
        var behaviors = new[] { NatBehavior.PortRestrictedCone, NatBehavior.Symmetric, NatBehavior.FullCone, NatBehavior.Firewall };
        for (var i = 0; i < 9; i++)
        {
            var nat = net.AddNatRouter("nat" + i, internet, behaviors[i % behaviors.Length]);
            hosts.Add(nat.Inside.AddHost("in" + i));
            targets.Add(new IPEndPoint(nat.Behavior.Mode == NatMode.FirewallOnly ? hosts[^1].Ipv4 : nat.PublicAddress, 41641));
        }

        var sockets = hosts.Select(h => h.Bind(41641)).ToList();
        for (var i = 0; i < sockets.Count; i++)
        {
            var me = sockets[i];
            var host = hosts[i];

            // Echo the first byte back so replies travel through the NATs' mappings.
            me.StartReceiving((datagram, source) =>
            {
                if (datagram[0] == 0)
                {
                    datagram[0] = 1;
                    me.Send(datagram, source);
                }
            });
            var timer = net.Clock.Every(TimeSpan.FromMilliseconds(20 + host.Random.Next(30)), () =>
            {
                var payload = new byte[1 + host.Random.Next(1200)];
                me.Send(payload, targets[host.Random.Next(targets.Count)]);
            });
        }

        net.RunFor(TimeSpan.FromSeconds(3));
        return [.. net.Trace.Lines];
    }

    private static string FirstDifference(List<string> a, List<string> b)
    {
        for (var i = 0; i < Math.Min(a.Count, b.Count); i++)
        {
            if (a[i] != b[i])
            {
                return $"#{i}: {a[i]}  vs  {b[i]}";
            }
        }

        return "none";
    }
}
