using BenchmarkDotNet.Attributes;
using Weft.Core.Node;

namespace Weft.Benchmarks;

/// <summary>
/// The TUN → peer routing lookup (<see cref="RouteTable{TPeer}.Find"/>) in tables of 10, 1,000 and 10,000 entries,
/// IPv4 and IPv6: <c>Hosts</c> is a mesh of members (one host address each, found in a dictionary), <c>Prefixes</c>
/// is the same number of subnets (a /24 or /64 each, as routed subnets or WireGuard allowed IPs, searched longest
/// first). Each operation looks up one of 256 destinations spread over the table, all of which have a route.
/// </summary>
[MemoryDiagnoser]
public class RouteTableBenchmarks
{
    private const int Destinations = 256;

    private readonly UInt128[] _destinations = new UInt128[Destinations];
    private RouteTable<Peer> _table = RouteTable<Peer>.Empty;
    private int _next;

    [Params(10, 1000, 10000)]
    public int Entries { get; set; } = 1000;

    [Params(false, true)]
    public bool Ipv6 { get; set; }

    [Params("Hosts", "Prefixes")]
    public string Kind { get; set; } = "Hosts";

    [GlobalSetup]
    public void Setup()
    {
        var prefixes = Kind == "Prefixes";
        var peers = new List<(Peer, OwnedAddresses)>(Entries);
        for (var i = 0; i < Entries; i++)
        {
            var bits = Address(i);
            var length = prefixes ? (Ipv6 ? 64 : 24) : (Ipv6 ? 128 : 32);
            peers.Add((new Peer(i), new OwnedAddresses([new AddressPrefix(Ipv6, bits, length)])));
        }

        _table = new RouteTable<Peer>(peers);
        var random = new Random(5);
        for (var i = 0; i < Destinations; i++)
        {
            var owner = random.Next(Entries);
            // Inside the owner's prefix but not its base address, so a prefix lookup cannot hit a host entry.
            _destinations[i] = Address(owner) + (prefixes ? 7u : 0u);
            if (_table.Find(Ipv6, _destinations[i])?.Index != owner)
            {
                throw new InvalidOperationException($"destination {i} does not route to peer {owner}");
            }
        }
    }

    [Benchmark]
    public object? Find()
    {
        var destination = _destinations[_next++ & (Destinations - 1)];
        return _table.Find(Ipv6, destination);
    }

    /// <summary>Peer i's address: 100.64.0.0 + i·256 (IPv4) or fd00:: + i·2^64 (IPv6), so /24s and /64s never overlap.</summary>
    private UInt128 Address(int i) =>
        Ipv6 ? (new UInt128(0xfd00_0000_0000_0000, 0) + new UInt128((ulong)i, 0))
             : 0x6440_0000u + ((uint)i << 8);

    private sealed record Peer(int Index);
}
