using System.Net;
using Weft.Core.Node;
using Xunit;

namespace Weft.Core.Tests.Node;

public class RouteTableTests
{
    private sealed class Peer(string name)
    {
        public override string ToString() => name;
    }

    private static (bool, UInt128) Number(string address) => AddressPrefix.ToNumber(IPAddress.Parse(address));

    private static OwnedAddresses Owned(params string[] prefixes)
        => new([.. prefixes.Select(p => p.Contains('/', StringComparison.Ordinal)
            ? AddressPrefix.From(IPNetwork.Parse(p))
            : AddressPrefix.Host(IPAddress.Parse(p)))]);

    [Fact]
    public void Host_addresses_and_longest_prefix_win()
    {
        var a = new Peer("a");
        var b = new Peer("b");
        var c = new Peer("c");
        var table = new RouteTable<Peer>([
            (a, Owned("100.90.0.2", "fd00:1:2::a")),
            (b, Owned("10.0.0.0/8", "fd00:1:2::/64")),
            (c, Owned("10.1.0.0/16", "0.0.0.0/0")),
        ]);

        Assert.Same(a, Find(table, "100.90.0.2"));
        Assert.Same(a, Find(table, "fd00:1:2::a"));
        Assert.Same(b, Find(table, "fd00:1:2::b"));
        Assert.Same(b, Find(table, "10.2.3.4"));
        Assert.Same(c, Find(table, "10.1.3.4"));
        Assert.Same(c, Find(table, "8.8.8.8"));
        Assert.Null(Find(table, "fd00:1:3::1"));
    }

    [Fact]
    public void Ipv4_mapped_addresses_count_as_ipv4()
    {
        var (isIpv6, value) = Number("::ffff:100.90.0.2");
        Assert.False(isIpv6);
        Assert.Equal(Number("100.90.0.2").Item2, value);
    }

    [Fact]
    public void Prefix_bits_beyond_the_length_are_cleared_and_owned_checks_match()
    {
        var prefix = AddressPrefix.From(IPAddress.Parse("192.168.7.99"), 24);
        Assert.Equal("192.168.7.0/24", prefix.ToString());
        var owned = new OwnedAddresses([prefix, AddressPrefix.Host(IPAddress.Parse("fd00::5"))]);
        var (v4, inside) = Number("192.168.7.1");
        var (_, outside) = Number("192.168.8.1");
        var (v6, host) = Number("fd00::5");
        Assert.True(owned.Owns(v4, inside));
        Assert.False(owned.Owns(v4, outside));
        Assert.True(owned.Owns(v6, host));
        Assert.False(owned.Owns(v6, host + 1));
        Assert.False(owned.Owns(true, inside));
    }

    [Fact]
    public void Default_routes_ties_and_families_behave_as_a_linear_longest_prefix_scan()
    {
        var first = new Peer("first");
        var second = new Peer("second");
        var v6Default = new Peer("v6default");
        var table = new RouteTable<Peer>([
            (first, Owned("10.0.0.0/8", "fd00::/16")),
            (second, Owned("10.0.0.0/8", "10.0.0.0/9")),   // the same /8 again: the first-added peer keeps it
            (v6Default, Owned("::/0")),
        ]);

        Assert.Same(second, Find(table, "10.1.2.3"));    // /9 is longer
        Assert.Same(first, Find(table, "10.200.2.3"));   // only the /8 matches: first added
        Assert.Null(Find(table, "11.0.0.1"));            // ::/0 is IPv6 only
        Assert.Same(first, Find(table, "fd00:9::1"));
        Assert.Same(v6Default, Find(table, "2001:db8::1"));
        Assert.Equal(5, table.Count);
    }

    [Fact]
    public void Random_tables_answer_like_the_plain_longest_prefix_scan()
    {
        var random = new Random(5);
        for (var round = 0; round < 20; round++)
        {
            var peers = Enumerable.Range(0, 30).Select(i => new Peer($"p{i}")).ToArray();
            var entries = new List<(Peer Peer, AddressPrefix Prefix)>();
            foreach (var peer in peers)
            {
                for (var k = random.Next(1, 6); k > 0; k--)
                {
                    var ipv6 = random.Next(2) == 0;
                    var bytes = new byte[ipv6 ? 16 : 4];
                    random.NextBytes(bytes);
                    bytes[0] = (byte)(ipv6 ? 0xfd : 10);   // keep them overlapping
                    var length = random.Next(ipv6 ? 129 : 33);
                    entries.Add((peer, AddressPrefix.From(new IPAddress(bytes), length)));
                }
            }

            var table = new RouteTable<Peer>(peers.Select(p => (p, new OwnedAddresses([.. entries.Where(e => e.Peer == p).Select(e => e.Prefix)]))));
            for (var probe = 0; probe < 2000; probe++)
            {
                // Half the probes start from an entry's prefix (so they hit), half are random.
                var ipv6 = random.Next(2) == 0;
                var bytes = new byte[ipv6 ? 16 : 4];
                random.NextBytes(bytes);
                bytes[0] = (byte)(ipv6 ? 0xfd : 10);
                var (isIpv6, address) = AddressPrefix.ToNumber(new IPAddress(bytes));
                if (probe % 2 == 0)
                {
                    var (_, near) = entries[random.Next(entries.Count)];
                    (isIpv6, address) = (near.IsIpv6, near.Bits | (address & ((UInt128.One << (near.IsIpv6 ? 128 - near.Length : 32 - near.Length)) - 1) & (near.IsIpv6 ? UInt128.MaxValue : uint.MaxValue)));
                }

                Assert.Same(Reference(entries, peers, isIpv6, address), table.Find(isIpv6, address));
            }
        }
    }

    /// <summary>The obvious lookup: hosts first (first added wins), then the longest matching prefix, first added on ties.</summary>
    private static Peer? Reference(List<(Peer Peer, AddressPrefix Prefix)> entries, Peer[] order, bool isIpv6, UInt128 address)
    {
        Peer? best = null;
        var bestLength = -1;
        foreach (var peer in order)
        {
            foreach (var (owner, prefix) in entries)
            {
                if (owner == peer && prefix.Contains(isIpv6, address) && prefix.Length > bestLength)
                {
                    (best, bestLength) = (peer, prefix.Length);
                }
            }
        }

        return best;
    }

    [Fact]
    public void Lookup_allocates_nothing()
    {
        var a = new Peer("a");
        var table = new RouteTable<Peer>([(a, Owned("100.90.0.2", "fd00:1:2::a", "10.0.0.0/8"))]);
        var (_, v4) = Number("100.90.0.2");
        var (_, v6) = Number("fd00:1:2::a");
        var (_, subnet) = Number("10.9.9.9");
        // Warm up first: tiered compilation (call counting, on-stack replacement of the loop) may allocate the
        // first time a method is promoted, and whether that falls inside the measurement depended on test order.
        for (var round = 0; round < 3; round++)
        {
            Lookups(table, v4, v6, subnet);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        Lookups(table, v4, v6, subnet);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Lookups(RouteTable<Peer> table, UInt128 v4, UInt128 v6, UInt128 subnet)
    {
        for (var i = 0; i < 1000; i++)
        {
            table.Find(false, v4);
            table.Find(true, v6);
            table.Find(false, subnet);
        }
    }

    private static Peer? Find(RouteTable<Peer> table, string address)
    {
        var (isIpv6, value) = Number(address);
        return table.Find(isIpv6, value);
    }
}
