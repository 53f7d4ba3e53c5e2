using Weft.Core.Identity;

namespace Weft.Core.Mesh;

/// <summary>
/// Shortest paths from one node over the link-state database (Dijkstra, latency as cost): for
/// every reachable member, the next hop to send to and the full path (for display).
/// </summary>
/// <remarks>
/// A link counts only when BOTH ends advertise it (a one-sided claim, stale or forged, is
/// ignored); its cost is the larger of the two advertised costs, so both directions agree.
/// A node that opted out of relaying is never an intermediate hop (it is still a destination).
/// Ties are broken by node ID, so the result depends only on the adverts. Immutable once built.
/// </remarks>
public sealed class ShortestPaths
{
    public static readonly ShortestPaths Empty = new(default, [], [], [], [], new Dictionary<NodeId, int>());

    private readonly NodeId[] nodes;
    private readonly long[] distance;
    private readonly int[] previous;
    private readonly int[] firstHop;
    private readonly Dictionary<NodeId, int> index;

    private ShortestPaths(NodeId self, NodeId[] nodes, long[] distance, int[] previous, int[] firstHop, Dictionary<NodeId, int> index)
    {
        Self = self;
        this.nodes = nodes;
        this.distance = distance;
        this.previous = previous;
        this.firstHop = firstHop;
        this.index = index;
    }

    public NodeId Self { get; }

    /// <summary>Reachable destinations, not counting <see cref="Self"/>.</summary>
    public int ReachableCount { get; private init; }

    /// <summary>Computes the paths from <paramref name="self"/> over <paramref name="adverts"/> (one per origin, ours included).</summary>
    public static ShortestPaths Compute(NodeId self, IReadOnlyList<LinkStateAdvert> adverts)
    {
        ArgumentNullException.ThrowIfNull(adverts);

        // Index the origins in node ID order (adverts from the database already are).
        var sorted = adverts.ToArray();
        Array.Sort(sorted, static (a, b) => NodeIdOrder.Instance.Compare(a.Origin, b.Origin));
        var index = new Dictionary<NodeId, int>(sorted.Length);
        var nodes = new NodeId[sorted.Length];
        for (var i = 0; i < sorted.Length; i++)
        {
            if (!index.TryAdd(sorted[i].Origin, i))
            {
                throw new ArgumentException("More than one advert for an origin.", nameof(adverts));
            }

            nodes[i] = sorted[i].Origin;
        }

        var distance = new long[nodes.Length];
        var previous = new int[nodes.Length];
        var firstHop = new int[nodes.Length];
        Array.Fill(distance, long.MaxValue);
        Array.Fill(previous, -1);
        Array.Fill(firstHop, -1);
        if (!index.TryGetValue(self, out var source))
        {
            return new ShortestPaths(self, nodes, distance, previous, firstHop, index);
        }

        // Ordered by (distance, node index): the index order is the node ID order, so ties break the same everywhere.
        var queue = new PriorityQueue<int, (long, int)>();
        distance[source] = 0;
        queue.Enqueue(source, (0, source));
        var done = new bool[nodes.Length];
        var reachable = 0;
        while (queue.TryDequeue(out var u, out var key))
        {
            if (done[u] || key.Item1 != distance[u])
            {
                continue;
            }

            done[u] = true;
            if (u != source)
            {
                reachable++;
                if (!sorted[u].RelayWilling)
                {
                    continue; // a destination, never a way through
                }
            }

            foreach (var link in sorted[u].Neighbours)
            {
                if (!index.TryGetValue(link.Node, out var v) || done[v] || !TryReverseCost(sorted[v], sorted[u].Origin, out var reverse))
                {
                    continue;
                }

                var candidate = distance[u] + Math.Max(link.Cost, reverse);
                var hop = u == source ? v : firstHop[u];
                if (candidate < distance[v] || (candidate == distance[v] && u < previous[v]))
                {
                    distance[v] = candidate;
                    previous[v] = u;
                    firstHop[v] = hop;
                    queue.Enqueue(v, (candidate, v));
                }
            }
        }

        return new ShortestPaths(self, nodes, distance, previous, firstHop, index) { ReachableCount = reachable };
    }

    /// <summary>The neighbour to hand a packet for <paramref name="destination"/> to; false when unreachable (or it is us).</summary>
    public bool TryGetNextHop(NodeId destination, out NodeId nextHop)
    {
        if (index.TryGetValue(destination, out var i) && firstHop[i] >= 0)
        {
            nextHop = nodes[firstHop[i]];
            return true;
        }

        nextHop = default;
        return false;
    }

    /// <summary>The path cost to <paramref name="destination"/> in 100 µs units, or null when unreachable.</summary>
    public long? CostTo(NodeId destination) =>
        index.TryGetValue(destination, out var i) && distance[i] != long.MaxValue ? distance[i] : null;

    /// <summary>The full path from <see cref="Self"/> (first) to <paramref name="destination"/> (last); empty when unreachable.</summary>
    public IReadOnlyList<NodeId> PathTo(NodeId destination)
    {
        if (!index.TryGetValue(destination, out var i) || distance[i] == long.MaxValue)
        {
            return [];
        }

        var path = new List<NodeId>();
        for (var at = i; at >= 0; at = previous[at])
        {
            path.Add(nodes[at]);
        }

        path.Reverse();
        return path;
    }

    /// <summary>Every reachable destination (not <see cref="Self"/>), in node ID order.</summary>
    public IEnumerable<NodeId> Reachable()
    {
        for (var i = 0; i < nodes.Length; i++)
        {
            if (firstHop[i] >= 0)
            {
                yield return nodes[i];
            }
        }
    }

    /// <summary>The cost <paramref name="advert"/>'s origin gives its link to <paramref name="to"/>, if it lists it.</summary>
    private static bool TryReverseCost(LinkStateAdvert advert, NodeId to, out uint cost)
    {
        // Neighbours are sorted by node ID: binary search.
        var list = advert.Neighbours;
        int lo = 0, hi = list.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = NodeIdOrder.Instance.Compare(list[mid].Node, to);
            if (c == 0)
            {
                cost = list[mid].Cost;
                return true;
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        cost = 0;
        return false;
    }
}
