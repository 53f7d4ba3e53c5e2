using Weft.Core.Discovery;
using Weft.Core.Identity;
using Xunit;

namespace Weft.Core.Tests.Discovery;

/// <summary>The beacon's byte layout and its strict parser.</summary>
public class BeaconTests
{
    private static readonly byte[] CaId = Convert.FromHexString("00112233445566778899aabbccddeeff");
    private static readonly NodeId Node = NodeId.FromBytes(Convert.FromHexString("0102030405060708090a0b0c0d0e0f10"));

    [Fact]
    public void Layout_is_type_ca_id_node_id_and_big_endian_port_in_38_bytes()
    {
        var message = Beacon.Create(CaId, Node, 51820);
        var expected = Convert.FromHexString(
            "57454603" + "00112233445566778899aabbccddeeff" + "0102030405060708090a0b0c0d0e0f10" + "ca6c");
        Assert.Equal(38, Beacon.Size);
        Assert.Equal(expected, message);
    }

    [Fact]
    public void Round_trips_and_knows_its_ca()
    {
        var message = Beacon.Create(CaId, Node, 443);
        Assert.True(Beacon.IsBeacon(message));
        Assert.True(Beacon.TryRead(message, out var beacon));
        Assert.Equal(Node, beacon.NodeId);
        Assert.Equal(443, beacon.ListenPort);
        Assert.True(beacon.IsFromCa(CaId));
        var other = (byte[])CaId.Clone();
        other[15] ^= 1;
        Assert.False(beacon.IsFromCa(other));
        Assert.False(beacon.IsFromCa(CaId.AsSpan(0, 15)));
        var copy = new byte[16];
        beacon.CopyCaId(copy);
        Assert.Equal(CaId, copy);
    }

    [Fact]
    public void Is_neither_a_hello_nor_a_wireguard_message()
    {
        var message = Beacon.Create(CaId, Node, 1);
        Assert.False(Hello.IsHello(message));
        Assert.NotInRange(message[0], (byte)1, (byte)4);
        Assert.False(Beacon.IsBeacon(Hello.RequestType));
        Assert.False(Beacon.IsBeacon(Hello.ReplyType));
    }

    public static TheoryData<string, byte[]> Malformed()
    {
        var good = Beacon.Create(CaId, Node, 51820);
        var zeroPort = (byte[])good.Clone();
        zeroPort[36] = 0;
        zeroPort[37] = 0;
        var wrongType = (byte[])good.Clone();
        wrongType[3] = 0x04;
        return new TheoryData<string, byte[]>
        {
            { "empty", [] },
            { "type only", good[..4] },
            { "one byte short", good[..37] },
            { "one byte long", [.. good, 0] },
            { "port zero", zeroPort },
            { "another type", wrongType },
            { "wireguard initiation type", [1, 0, 0, 0, .. good[4..]] },
        };
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_beacons_are_refused_without_exceptions(string what, byte[] datagram)
    {
        Assert.False(Beacon.TryRead(datagram, out var beacon), what);
        Assert.Equal(default, beacon);
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new Random(5);
        var buffer = new byte[64];
        for (var i = 0; i < 20_000; i++)
        {
            var length = random.Next(buffer.Length + 1);
            random.NextBytes(buffer.AsSpan(0, length));
            if (i % 2 == 0 && length >= 4)
            {
                Beacon.Type.CopyTo(buffer);
            }

            var accepted = Beacon.TryRead(buffer.AsSpan(0, length), out var beacon);
            Assert.Equal(accepted, length == Beacon.Size && Beacon.IsBeacon(buffer) && beacon.ListenPort != 0);
        }
    }

    [Fact]
    public void Writer_refuses_bad_arguments()
    {
        Assert.Throws<ArgumentException>(() => Beacon.Write(new byte[37], CaId, Node, 1));
        Assert.Throws<ArgumentException>(() => Beacon.Create(CaId.AsSpan(0, 8), Node, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Beacon.Create(CaId, Node, 0));
    }
}
