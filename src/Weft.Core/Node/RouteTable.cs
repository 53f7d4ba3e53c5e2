namespace Weft.Core.Node;

/// <summary>
/// Destination address → peer, for the TUN → peer direction. Host addresses (what a member
/// certificate mostly carries) are found in a dictionary keyed by the address as a number
/// (IPv4 as <see cref="uint"/>, IPv6 as <see cref="UInt128"/>) so a lookup never allocates;
/// prefixes (subnets, WireGuard allowed IPs) are checked longest first.
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
    private readonly (AddressPrefix Prefix, TPeer Peer)[] prefixes;

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

        // Longest prefix first; a stable sort keeps the first-added peer ahead on ties.
        prefixes = [.. list.Select((p, i) => (p, i)).OrderByDescending(x => x.p.Item1.Length).ThenBy(x => x.i).Select(x => x.p)];
    }

    public int Count => hostsV4.Count + hostsV6.Count + prefixes.Length;

    /// <summary>The peer that owns <paramref name="address"/>, or null (no route).</summary>
    public TPeer? Find(bool isIpv6, UInt128 address)
    {
        TPeer? peer;
        if (isIpv6 ? hostsV6.TryGetValue(address, out peer) : hostsV4.TryGetValue((uint)address, out peer))
        {
            return peer;
        }

        foreach (var (prefix, owner) in prefixes)
        {
            if (prefix.Contains(isIpv6, address))
            {
                return owner;
            }
        }

        return null;
    }
}
