using System.Net;
using Weft.Core.Nat;
using Weft.Core.Net;
using Weft.Tests;
using Xunit;

namespace Weft.Core.Tests.Nat;

/// <summary>The hard-NAT sweep: which packets, how many, with which TTL, and how fast.</summary>
public class NatSweepTests
{
    [Fact]
    public void One_address_gets_every_port_from_1024_with_TTL_3_paced_2000_per_100_ms()
    {
        var time = new ManualTimeProvider();
        var wire = new RecordingTransport(time);
        var done = 0;
        var counted = 0;
        var sweep = new NatSweep(wire, time, [IPAddress.Parse("198.18.3.2")], new byte[16], n => counted += n, _ => done++);
        Assert.Equal(64512, sweep.Total);
        sweep.Start();
        Assert.Empty(wire.Sent);   // never on the caller's thread: the timer sends
        time.Advance(TimeSpan.Zero);
        Assert.Equal(2000, wire.Sent.Count);
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(1, done);
        Assert.Equal(64512, wire.Sent.Count);
        Assert.Equal(64512, counted);
        Assert.All(wire.Sent, s => Assert.Equal(3, s.Ttl));
        Assert.All(wire.Sent, s => Assert.Equal(NatProbe.Size, s.Length));
        Assert.Equal(Enumerable.Range(1024, 64512), wire.Sent.Select(s => s.Destination.Port));
        Assert.All(wire.Sent, s => Assert.Equal(IPAddress.Parse("198.18.3.2"), s.Destination.Address));

        // Paced: at most 2000 in any 100 ms batch; the whole sweep within 4 s.
        var perBatch = wire.Sent.GroupBy(s => s.At / TimeSpan.FromMilliseconds(100).Ticks).Select(g => g.Count()).ToList();
        Assert.True(perBatch.Max() <= NatSweep.PacketsPerBatch);
        Assert.True(TimeSpan.FromTicks(wire.Sent[^1].At - wire.Sent[0].At) <= TimeSpan.FromSeconds(4));
        Assert.Equal(NatSweep.Duration(64512), TimeSpan.FromTicks(wire.Sent[^1].At - wire.Sent[0].At));
    }

    [Fact]
    public void Two_addresses_share_the_65536_packet_budget_and_a_third_is_never_swept()
    {
        var time = new ManualTimeProvider();
        var wire = new RecordingTransport(time);
        var sweep = new NatSweep(wire, time, [IPAddress.Parse("198.18.3.2"), IPAddress.Parse("198.18.3.3"), IPAddress.Parse("198.18.3.4")],
                                 new byte[16], _ => { }, _ => { });
        sweep.Start();
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(NatSweep.MaxPackets, wire.Sent.Count);
        Assert.DoesNotContain(wire.Sent, s => s.Destination.Address.Equals(IPAddress.Parse("198.18.3.4")));
        Assert.Equal(32768, wire.Sent.Count(s => s.Destination.Address.Equals(IPAddress.Parse("198.18.3.2"))));
        Assert.Equal((0, 1024), NatSweep.Target(0, 2));
        Assert.Equal((1, 1024), NatSweep.Target(1, 2));
        Assert.Equal((0, 1025), NatSweep.Target(2, 2));
        Assert.True(NatSweep.Duration(NatSweep.MaxPackets) <= TimeSpan.FromSeconds(4));
    }

    [Fact]
    public void A_cancelled_sweep_stops_and_never_completes()
    {
        var time = new ManualTimeProvider();
        var wire = new RecordingTransport(time);
        var done = false;
        var sweep = new NatSweep(wire, time, [IPAddress.Parse("198.18.3.2")], new byte[16], _ => { }, _ => done = true);
        sweep.Start();
        time.Advance(TimeSpan.FromMilliseconds(250));
        sweep.Cancel();
        var sent = wire.Sent.Count;
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(6000, sent);
        Assert.Equal(sent, wire.Sent.Count);
        Assert.False(done);
    }

    private sealed class RecordingTransport(TimeProvider time) : IDatagramTransport
    {
        public List<(IPEndPoint Destination, int Ttl, int Length, long At)> Sent { get; } = [];

        public void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination) => SendWithTtl(datagram, destination, 64);

        public void SendWithTtl(ReadOnlySpan<byte> datagram, IPEndPoint destination, int ttl) =>
            Sent.Add((new IPEndPoint(destination.Address, destination.Port), ttl, datagram.Length, time.GetTimestamp()));
    }
}
