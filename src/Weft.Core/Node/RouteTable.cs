namespace Weft.Core.Node;

/// <summary>
/// Destination address → peer, for the TUN → peer direction. Host addresses (what a member
/// certificate mostly carries) are found in a dictionary keyed by the address as a number
/// (IPv4 as <see cref="uint"/>, IPv6 as <see cref="UInt128"/>) so a lookup never allocates;
/// prefixes (subnets, WireGuard allowed IPs) are kept in one dictionary per prefix length, keyed by the
/// masked address, and checked longest length first: a lookup costs one hash probe per distinct length
/// in the table (a handful), not one comparison per prefix.
/// </summary>
/// <remarks>
/// Immutable: the node builds a new table whenever the set of verified peers changes and
/// publishes it with a single reference write, so the packet path reads it without a lock.
/// When two peers claim the same host address the first one added keeps it.
/// </remarks>
internal sealed class RouteTable<TPeer>
    where TPeer : class
{
    public static readonly RouteTable<TPeer> Empty = new([]);

    private readonly Dictionary<uint, TPeer> hostsV4 = [];
    private readonly Dictionary<UInt128, TPeer> hostsV6 = [];
    private readonly (int Shift, Dictionary<UInt128, TPeer> Peers)[] prefixesV4;
    private readonly (int Shift, Dictionary<UInt128, TPeer> Peers)[] prefixesV6;
    private readonly int prefixCount;

    public RouteTable(IEnumerable<(TPeer Peer, OwnedAddresses Owned)> peers)
    {
        var list = new List<(AddressPrefix, TPeer)>();
        foreach (var (peer, owned) in peers)
        {
            foreach (var v4 in owned.HostsV4)
            {
                hostsV4.TryAdd(v4, peer);
            }

            foreach (var v6 in owned.HostsV6)
            {
                hostsV6.TryAdd(v6, peer);
            }

            foreach (var prefix in owned.Prefixes)
            {
                list.Add((prefix, peer));
            }
        }

        prefixCount = list.Count;
        prefixesV4 = ByLength(list, ipv6: false);
        prefixesV6 = ByLength(list, ipv6: true);
    }

    public int Count => hostsV4.Count + hostsV6.Count + prefixCount;

    /// <summary>The peer that owns <paramref name="address"/>, or null (no route).</summary>
    public TPeer? Find(bool isIpv6, UInt128 address)
    {
        TPeer? peer;
        if (isIpv6 ? hostsV6.TryGetValue(address, out peer) : hostsV4.TryGetValue((uint)address, out peer))
        {
            return peer;
        }

        foreach (var (shift, owners) in isIpv6 ? prefixesV6 : prefixesV4)
        {
            var key = shift >= 128 ? UInt128.Zero : (address >> shift) << shift;   // a UInt128 shift of 128 would wrap to 0
            if (owners.TryGetValue(key, out peer))
            {
                return peer;
            }
        }

        return null;
    }

    /// <summary>One family's prefixes grouped by length, longest first; on equal prefixes the first-added peer keeps it.</summary>
    private static (int Shift, Dictionary<UInt128, TPeer> Peers)[] ByLength(List<(AddressPrefix Prefix, TPeer Peer)> all, bool ipv6)
    {
        var byLength = new SortedDictionary<int, Dictionary<UInt128, TPeer>>(Comparer<int>.Create((a, b) => b.CompareTo(a)));
        foreach (var (prefix, peer) in all)
        {
            if (prefix.IsIpv6 != ipv6)
            {
                continue;
            }

            if (!byLength.TryGetValue(prefix.Length, out var level))
            {
                byLength[prefix.Length] = level = [];
            }

            level.TryAdd(prefix.Bits, peer);
        }

        return [.. byLength.Select(level => (prefixWidth(ipv6) - level.Key, level.Value))];

        static int prefixWidth(bool ipv6) => ipv6 ? 128 : 32;
    }
}
