using Weft.Core.Identity;
using Weft.Core.Mesh;
using Weft.Core.Tests.Identity;
using Xunit;

namespace Weft.Core.Tests.Mesh;

public sealed class ShortestPathsTests
{
    /// <summary>Members a..z with adverts built from directed (from, to, cost) claims.</summary>
    private sealed class Graph
    {
        private readonly TestMesh mesh = new();
        private readonly Dictionary<char, (NodeKeys Keys, Certificate Cert)> members = [];
        private readonly List<(char From, char To, uint Cost)> claims = [];
        private readonly HashSet<char> optedOut = [];

        public Graph(string names)
        {
            var i = 2;
            foreach (var name in names)
            {
                members[name] = mesh.Member(name.ToString(), $"100.90.0.{i++}");
            }
        }

        public NodeId this[char name] => members[name].Cert.NodeId;

        public Graph Link(char a, char b, uint cost) => Claim(a, b, cost).Claim(b, a, cost);

        public Graph Claim(char from, char to, uint cost)
        {
            claims.Add((from, to, cost));
            return this;
        }

        public Graph OptOut(char name)
        {
            optedOut.Add(name);
            return this;
        }

        public ShortestPaths From(char self)
        {
            var adverts = new List<LinkStateAdvert>();
            foreach (var (name, (keys, cert)) in members)
            {
                var neighbours = claims.Where(c => c.From == name).Select(c => new LinkStateNeighbour(this[c.To], c.Cost));
                var bytes = LinkStateAdvert.Create(keys, cert, 1, mesh.Now + TimeSpan.FromMinutes(1), !optedOut.Contains(name), neighbours);
                Assert.True(LinkStateAdvert.TryDecode(bytes, out var advert, out _));
                adverts.Add(advert!);
            }

            return ShortestPaths.Compute(this[self], adverts);
        }

        public string Path(ShortestPaths paths, char to) =>
            string.Concat(paths.PathTo(this[to]).Select(id => members.First(m => m.Value.Cert.NodeId == id).Key));
    }

    [Fact]
    public void A_chain_routes_through_every_hop()
    {
        var g = new Graph("abcd").Link('a', 'b', 10).Link('b', 'c', 10).Link('c', 'd', 10);
        var paths = g.From('a');
        Assert.Equal("abcd", g.Path(paths, 'd'));
        Assert.True(paths.TryGetNextHop(g['d'], out var hop));
        Assert.Equal(g['b'], hop);
        Assert.Equal(30, paths.CostTo(g['d']));
        Assert.Equal(3, paths.ReachableCount);
        Assert.False(paths.TryGetNextHop(g['a'], out _));
    }

    [Fact]
    public void The_cheaper_way_wins()
    {
        var g = new Graph("abcd").Link('a', 'b', 10).Link('b', 'd', 10).Link('a', 'c', 5).Link('c', 'd', 30);
        Assert.Equal("abd", g.Path(g.From('a'), 'd'));
        var g2 = new Graph("abcd").Link('a', 'b', 10).Link('b', 'd', 10).Link('a', 'c', 5).Link('c', 'd', 5);
        Assert.Equal("acd", g2.Path(g2.From('a'), 'd'));
    }

    [Fact]
    public void A_link_advertised_by_one_side_only_is_not_used()
    {
        var g = new Graph("abc").Link('a', 'b', 10).Claim('b', 'c', 1);
        var paths = g.From('a');
        Assert.Empty(paths.PathTo(g['c']));
        Assert.False(paths.TryGetNextHop(g['c'], out _));
        Assert.Null(paths.CostTo(g['c']));
    }

    [Fact]
    public void A_link_costs_the_larger_of_the_two_claims()
    {
        var g = new Graph("abcd").Claim('a', 'b', 1).Claim('b', 'a', 100).Link('b', 'd', 1).Link('a', 'c', 20).Link('c', 'd', 20);
        Assert.Equal("acd", g.Path(g.From('a'), 'd'));
        Assert.Equal(41, g.From('a').CostTo(g['b'])); // a-c-d-b, not the 100 link
        Assert.Equal(40, g.From('a').CostTo(g['d']));
    }

    [Fact]
    public void A_node_that_opted_out_is_a_destination_but_never_a_way_through()
    {
        var g = new Graph("abcd").Link('a', 'b', 1).Link('b', 'd', 1).Link('a', 'c', 50).Link('c', 'd', 50).OptOut('b');
        var paths = g.From('a');
        Assert.Equal("acd", g.Path(paths, 'd'));
        Assert.Equal("ab", g.Path(paths, 'b'));

        var only = new Graph("abc").Link('a', 'b', 1).Link('b', 'c', 1).OptOut('b');
        Assert.False(only.From('a').TryGetNextHop(only['c'], out _));

        // Opting out does not stop the node itself from using others.
        var self = new Graph("abc").Link('a', 'b', 1).Link('b', 'c', 1).OptOut('a');
        Assert.Equal("abc", self.Path(self.From('a'), 'c'));
    }

    [Fact]
    public void Equal_cost_ties_break_the_same_way_every_time()
    {
        var g = new Graph("abcd").Link('a', 'b', 10).Link('b', 'd', 10).Link('a', 'c', 10).Link('c', 'd', 10);
        var first = g.Path(g.From('a'), 'd');
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(first, g.Path(g.From('a'), 'd'));
        }
    }

    [Fact]
    public void A_node_without_its_own_advert_reaches_nothing()
    {
        Assert.Equal(0, ShortestPaths.Compute(default, []).ReachableCount);
        Assert.False(ShortestPaths.Empty.TryGetNextHop(default, out _));
    }
}
