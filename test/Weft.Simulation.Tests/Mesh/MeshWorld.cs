using System.Net;
using System.Text;
using Weft.Core.Identity;
using Weft.Core.Mesh;

namespace Weft.Simulation.Tests.Mesh;

/// <summary>
/// A mesh topology on the simulator: one member per node and one link (its own segment, so only
/// the two ends can reach each other) per edge. The lower-numbered end of each edge knows the
/// other as a static peer; nothing else is configured — everything else travels through the mesh.
/// </summary>
internal sealed class MeshWorld : IDisposable
{
    private readonly List<(int A, int B, Segment Link)> links = [];

    public MeshWorld(int seed, int count, IReadOnlyList<(int A, int B)> edges, Func<int, string>? name = null,
                     Func<int, bool>? relay = null, bool capture = false, bool trace = false, Random? latencies = null)
    {
        Net = new SimNetwork(seed, trace);
        Ca = CertificateAuthority.Create("sim", IPNetwork.Parse("100.64.0.0/10"), "sim.weft", TimeSpan.FromDays(3650), Net.Clock);
        name ??= i => "n" + i;
        var hosts = new Host?[count];
        for (var k = 0; k < edges.Count; k++)
        {
            var (a, b) = edges[k];
            var latency = TimeSpan.FromMilliseconds(latencies is null ? 5 : latencies.Next(2, 40));
            var link = Net.AddSegment($"{name(a)}-{name(b)}", latency: latency, ipv4: IPNetwork.Parse($"30.{k / 256}.{k % 256}.0/24"));
            foreach (var end in new[] { a, b })
            {
                if (hosts[end] is { } host)
                {
                    host.Attach(link);
                }
                else
                {
                    hosts[end] = link.AddHost(name(end));
                }
            }

            links.Add((a, b, link));
        }

        for (var i = 0; i < count; i++)
        {
            var host = hosts[i] ?? throw new ArgumentException($"node {i} has no link", nameof(edges));
            Members.Add(new MeshMember(host, Ca, name(i), MeshAddressOf(i), relay?.Invoke(i) ?? true, capture));
        }

        foreach (var (a, b, link) in links)
        {
            Members[a].Node.AddStaticPeer(new IPEndPoint(hosts[b]!.InterfaceOn(link)!.Ipv4!, 51820));
        }
    }

    public SimNetwork Net { get; }

    public CertificateAuthority Ca { get; }

    public List<MeshMember> Members { get; } = [];

    public MeshMember this[int i] => Members[i];

    public static IPAddress MeshAddressOf(int i) => IPAddress.Parse($"100.{64 + (i / 65000)}.{1 + (i % 65000 / 250)}.{1 + (i % 250)}");

    /// <summary>
    /// A connected random sparse graph: a random spanning tree (each node links to an earlier one)
    /// plus <paramref name="extra"/> random extra edges, no duplicates, from a fixed seed.
    /// </summary>
    public static List<(int A, int B)> RandomSparse(int count, int extra, int seed)
    {
        var random = new Random(seed);
        var set = new HashSet<(int, int)>();
        var edges = new List<(int, int)>();
        for (var i = 1; i < count; i++)
        {
            var j = random.Next(i);
            set.Add((j, i));
            edges.Add((j, i));
        }

        while (edges.Count < count - 1 + extra)
        {
            var a = random.Next(count);
            var b = random.Next(count);
            var edge = (Math.Min(a, b), Math.Max(a, b));
            if (a != b && set.Add(edge))
            {
                edges.Add(edge);
            }
        }

        return edges;
    }

    /// <summary>Every member reaches all <paramref name="expected"/>(i) others through its shortest paths.</summary>
    public bool Converged(Func<int, int>? expected = null)
    {
        for (var i = 0; i < Members.Count; i++)
        {
            if (Members[i].Node.GetMeshCounters().ReachableNodes != (expected?.Invoke(i) ?? Members.Count - 1))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Cuts (or heals) every link with one end in <paramref name="side"/> and the other outside it.</summary>
    public int CutAcross(ISet<int> side, bool cut)
    {
        var n = 0;
        foreach (var (a, b, link) in links)
        {
            if (side.Contains(a) != side.Contains(b))
            {
                if (cut)
                {
                    link.Cut();
                }
                else
                {
                    link.Heal();
                }

                n++;
            }
        }

        return n;
    }

    /// <summary>The payload for the packet from <paramref name="from"/> to <paramref name="to"/> in round <paramref name="round"/>.</summary>
    public static byte[] Payload(int from, int to, int round) => Encoding.ASCII.GetBytes($"weft-plaintext r{round} {from}->{to} ....");

    /// <summary>
    /// Sends one packet per pair (from the TUN of the first to the second's address) and runs until
    /// all arrive or <paramref name="limit"/> passes; resends the missing ones every 2 s (a first
    /// packet may be lost while a path forms). Returns the pairs that never arrived.
    /// </summary>
    public List<(int From, int To)> Exchange(IReadOnlyList<(int From, int To)> pairs, int round, TimeSpan limit)
    {
        var missing = new List<(int, int)>(pairs);
        var deadline = Net.Clock.Elapsed + limit;
        while (missing.Count > 0 && Net.Clock.Elapsed < deadline)
        {
            foreach (var (from, to) in missing)
            {
                Members[from].SendFromTun(Members[to].MeshAddress, Payload(from, to, round));
            }

            var until = Net.Clock.Elapsed + TimeSpan.FromSeconds(2);
            Net.RunUntil(() => missing.TrueForAll(p => Members[p.Item2].Received(Members[p.Item1].MeshAddress, Payload(p.Item1, p.Item2, round))),
                         until - Net.Clock.Elapsed, TimeSpan.FromMilliseconds(100));
            missing.RemoveAll(p => Members[p.Item2].Received(Members[p.Item1].MeshAddress, Payload(p.Item1, p.Item2, round)));
        }

        return missing;
    }

    /// <summary>Per node: adverts originated and sent, and the database's verdict counts, as a few summary lines.</summary>
    public string AdvertStatistics()
    {
        var counters = Members.Select(m => m.Node.GetMeshCounters()).ToList();
        var sent = counters.Select(c => c.AdvertsSent).ToList();
        var made = counters.Select(c => c.AdvertsOriginated).ToList();
        return $"adverts originated per node: min {made.Min()} avg {made.Average():F1} max {made.Max()}; " +
               $"advert messages sent per node: min {sent.Min()} avg {sent.Average():F1} max {sent.Max()}; " +
               $"route computations per node avg {counters.Average(c => c.RouteComputations):F1}";
    }

    public MeshCounters CountersOf(int i) => Members[i].Node.GetMeshCounters();

    public void Dispose()
    {
        foreach (var member in Members)
        {
            member.Dispose();
        }
    }
}
