using System.Net;
using Weft.Core.Net;
using Weft.Core.Tests.Net;
using Weft.Core.WireGuard;
using Xunit;

namespace Weft.Core.Tests.Node;

/// <summary><see cref="Weft.Core.Node.MeshNode.OnTunBatch"/>: a batch read from the TUN device, routed per packet, sent per peer run.</summary>
public class TunBatchTests
{
    [Fact]
    public void Packets_for_two_peers_an_unknown_address_and_garbage_each_end_where_they_should_in_order()
    {
        using var mesh = new TestMesh();
        var a = mesh.AddNode("alpha");
        var b = mesh.AddNode("bravo");
        var c = mesh.AddNode("charlie");
        b.Node.AddStaticPeer(a.Endpoint);
        c.Node.AddStaticPeer(a.Endpoint);
        mesh.Run(TimeSpan.FromSeconds(3));
        b.Tun.Clear();
        c.Tun.Clear();
        var before = a.Counters;

        var toB = new[]
        {
            TestPackets.Ipv4(a.Ipv4, b.Ipv4, 1380, seed: 1), TestPackets.Ipv4(a.Ipv4, b.Ipv4, 1380, seed: 2),
            TestPackets.Ipv4(a.Ipv4, b.Ipv4, 7, seed: 3), TestPackets.Ipv6(a.Ipv6, b.Ipv6, 1000, seed: 4),
        };
        var toC = new[] { TestPackets.Ipv4(a.Ipv4, c.Ipv4, 500, seed: 5), TestPackets.Ipv6(a.Ipv6, c.Ipv6, 1, seed: 6) };
        var unknown = TestPackets.Ipv4(a.Ipv4, IPAddress.Parse("10.99.0.1"), 30);
        var garbage = new byte[] { 0x12, 0x34, 0x56 };
        byte[][] order = [toB[0], toB[1], toC[0], unknown, toB[2], garbage, toC[1], toB[3]];

        a.Node.OnTunBatch(TestBatches.From(order));
        mesh.Pump();

        Assert.Equal(toB, b.Tun.Packets);
        Assert.Equal(toC, c.Tun.Packets);
        var after = a.Counters;
        Assert.Equal(before.PacketsFromTun + 6, after.PacketsFromTun);
        Assert.Equal(before.TxDroppedNoRoute + 1, after.TxDroppedNoRoute);
        Assert.Equal(before.TxDroppedMalformedIp + 1, after.TxDroppedMalformedIp);
    }

    [Fact]
    public void A_long_run_for_one_peer_goes_out_whole_and_arrives_whole()
    {
        using var mesh = new TestMesh();
        var a = mesh.AddNode("alpha");
        var b = mesh.AddNode("bravo");
        b.Node.AddStaticPeer(a.Endpoint);
        mesh.Run(TimeSpan.FromSeconds(3));
        b.Tun.Clear();

        var packets = Enumerable.Range(0, 64).Select(i => TestPackets.Ipv4(a.Ipv4, b.Ipv4, i == 63 ? 211 : 1380, seed: (byte)i)).ToArray();
        a.Node.OnTunBatch(TestBatches.From(packets));
        mesh.Pump();

        Assert.Equal(packets, b.Tun.Packets);
    }
}
