using Weft.Core.Identity;
using Weft.Core.Mesh;
using Weft.Core.Tests.Identity;
using Xunit;

namespace Weft.Core.Tests.Mesh;

public sealed class LinkStateAdvertTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    [Fact]
    public void An_advert_round_trips_and_its_signature_verifies()
    {
        var mesh = new TestMesh();
        var (keys, cert) = mesh.Member("alpha", "100.90.0.2");
        var b = mesh.Member("bravo", "100.90.0.3").Cert.NodeId;
        var c = mesh.Member("charlie", "100.90.0.4").Cert.NodeId;
        var bytes = LinkStateAdvert.Create(keys, cert, 42, mesh.Now + Lifetime, relayWilling: true,
                                           [new LinkStateNeighbour(c, 30), new LinkStateNeighbour(b, 7)]);

        Assert.True(LinkStateAdvert.TryDecode(bytes, out var advert, out var error), error);
        Assert.Equal(cert.NodeId, advert!.Origin);
        Assert.Equal(42ul, advert.Sequence);
        Assert.Equal((mesh.Now + Lifetime).ToUnixTimeSeconds(), advert.Expires.ToUnixTimeSeconds());
        Assert.True(advert.RelayWilling);
        Assert.Equal(cert.Encode(), advert.Certificate.Encode());
        Assert.Equal(2, advert.Neighbours.Count);
        Assert.Contains(new LinkStateNeighbour(b, 7), advert.Neighbours);
        Assert.Contains(new LinkStateNeighbour(c, 30), advert.Neighbours);
        Assert.True(NodeIdOrder.Instance.Compare(advert.Neighbours[0].Node, advert.Neighbours[1].Node) < 0);
        Assert.Equal(bytes.Length, advert.EncodedLength);
        Assert.True(advert.VerifySignature(bytes));
    }

    [Fact]
    public void Zero_padding_is_accepted_but_other_trailing_bytes_are_not()
    {
        var mesh = new TestMesh();
        var (keys, cert) = mesh.Member("alpha", "100.90.0.2");
        var bytes = LinkStateAdvert.Create(keys, cert, 1, mesh.Now + Lifetime, false, []);
        var padded = new byte[bytes.Length + 15];
        bytes.CopyTo(padded, 0);
        Assert.True(LinkStateAdvert.TryDecode(padded, out var advert, out _));
        Assert.True(advert!.VerifySignature(padded));
        Assert.False(advert.RelayWilling);

        padded[^1] = 1;
        Assert.False(LinkStateAdvert.TryDecode(padded, out _, out _));
        Assert.False(LinkStateAdvert.TryDecode(new byte[bytes.Length + 16].AsSpan(), out _, out _));
        var tooMuch = new byte[bytes.Length + 16];
        bytes.CopyTo(tooMuch, 0);
        Assert.False(LinkStateAdvert.TryDecode(tooMuch, out _, out _));
    }

    [Fact]
    public void Any_single_bit_flip_is_either_malformed_or_fails_the_signature()
    {
        var mesh = new TestMesh();
        var (keys, cert) = mesh.Member("alpha", "100.90.0.2");
        var bytes = LinkStateAdvert.Create(keys, cert, 9, mesh.Now + Lifetime, true, [new LinkStateNeighbour(mesh.Member("b", "100.90.0.3").Cert.NodeId, 5)]);
        for (var i = 0; i < bytes.Length; i++)
        {
            var copy = (byte[])bytes.Clone();
            copy[i] ^= 0x04;
            if (LinkStateAdvert.TryDecode(copy, out var advert, out _))
            {
                Assert.False(advert!.VerifySignature(copy), $"flip at {i} still verifies");
            }
        }
    }

    [Fact]
    public void Every_truncation_and_random_garbage_is_refused_without_throwing()
    {
        var mesh = new TestMesh();
        var (keys, cert) = mesh.Member("alpha", "100.90.0.2");
        var bytes = LinkStateAdvert.Create(keys, cert, 9, mesh.Now + Lifetime, true, [new LinkStateNeighbour(mesh.Member("b", "100.90.0.3").Cert.NodeId, 5)]);
        for (var n = 0; n < bytes.Length; n++)
        {
            Assert.False(LinkStateAdvert.TryDecode(bytes.AsSpan(0, n), out _, out _));
        }

        var random = new Random(5);
        for (var i = 0; i < 2000; i++)
        {
            var garbage = new byte[random.Next(0, 600)];
            random.NextBytes(garbage);
            if (garbage.Length > 1)
            {
                garbage[0] = 0x05;
                garbage[1] = 1;
            }

            LinkStateAdvert.TryDecode(garbage, out _, out _);
        }
    }

    [Fact]
    public void Decoding_refuses_unsorted_duplicate_zero_cost_self_neighbours_and_unknown_flags_or_version()
    {
        var mesh = new TestMesh();
        var (keys, cert) = mesh.Member("alpha", "100.90.0.2");
        var b = mesh.Member("b", "100.90.0.3").Cert.NodeId;
        var c = mesh.Member("c", "100.90.0.4").Cert.NodeId;
        var bytes = LinkStateAdvert.Create(keys, cert, 9, mesh.Now + Lifetime, true, [new LinkStateNeighbour(b, 5), new LinkStateNeighbour(c, 6)]);
        var first = bytes.Length - 64 - 40;

        var swapped = (byte[])bytes.Clone();
        bytes.AsSpan(first, 20).CopyTo(swapped.AsSpan(first + 20));
        bytes.AsSpan(first + 20, 20).CopyTo(swapped.AsSpan(first));
        Assert.False(LinkStateAdvert.TryDecode(swapped, out _, out var error));
        Assert.Contains("ascending", error);

        var duplicate = (byte[])bytes.Clone();
        bytes.AsSpan(first, 20).CopyTo(duplicate.AsSpan(first + 20));
        Assert.False(LinkStateAdvert.TryDecode(duplicate, out _, out _));

        var zero = (byte[])bytes.Clone();
        zero.AsSpan(first + 16, 4).Clear();
        Assert.False(LinkStateAdvert.TryDecode(zero, out _, out error));
        Assert.Contains("cost 0", error);

        var self = (byte[])bytes.Clone();
        bytes.AsSpan(2, 16).CopyTo(self.AsSpan(first));
        Assert.False(LinkStateAdvert.TryDecode(self, out _, out _));

        var flags = (byte[])bytes.Clone();
        flags[34] = 0x03;
        Assert.False(LinkStateAdvert.TryDecode(flags, out _, out _));

        var version = (byte[])bytes.Clone();
        version[1] = 2;
        Assert.False(LinkStateAdvert.TryDecode(version, out _, out _));
    }

    [Fact]
    public void Create_refuses_caller_bugs()
    {
        var mesh = new TestMesh();
        var (keys, cert) = mesh.Member("alpha", "100.90.0.2");
        var (_, other) = mesh.Member("bravo", "100.90.0.3");
        Assert.Throws<ArgumentException>(() => LinkStateAdvert.Create(keys, other, 1, mesh.Now, true, []));
        Assert.Throws<ArgumentException>(() => LinkStateAdvert.Create(keys, cert, 1, mesh.Now, true, [new LinkStateNeighbour(cert.NodeId, 1)]));
        Assert.Throws<ArgumentException>(() => LinkStateAdvert.Create(keys, cert, 1, mesh.Now, true,
                                                                      [new LinkStateNeighbour(other.NodeId, 1), new LinkStateNeighbour(other.NodeId, 2)]));
    }

    [Fact]
    public void Cost_is_the_round_trip_in_100_microsecond_units_never_zero()
    {
        Assert.Equal(1u, LinkStateNeighbour.CostOf(TimeSpan.Zero));
        Assert.Equal(1u, LinkStateNeighbour.CostOf(TimeSpan.FromMicroseconds(150)));
        Assert.Equal(400u, LinkStateNeighbour.CostOf(TimeSpan.FromMilliseconds(40)));
        Assert.Equal(uint.MaxValue, LinkStateNeighbour.CostOf(TimeSpan.FromDays(30)));
    }
}
