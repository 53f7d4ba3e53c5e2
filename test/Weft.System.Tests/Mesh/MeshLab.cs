using System.Globalization;
using Weft.SystemTests.Lab;
using Xunit;

namespace Weft.SystemTests.Mesh;

/// <summary>
/// Builds a mesh world for the issue-3 namespace tests on top of a <see cref="NetworkLab"/>: one
/// namespace per member, the first member creates the mesh (it holds the CA) and signs every other
/// member's join request, and veth links join only the members the test says are neighbours (each
/// link is its own /24, and nothing routes between links, so non-neighbours cannot reach each
/// other except through the mesh). Every step is logged by the lab; the lab cleans up.
/// </summary>
public sealed partial class MeshLab
{
    public const string MeshRange = "100.90.0.0/16";

    private readonly List<MeshMember> members = [];

    private MeshLab(NetworkLab lab)
    {
        Lab = lab;
    }

    public NetworkLab Lab { get; }

    public IReadOnlyList<MeshMember> Members => members;

    public MeshMember this[string name] => members.Single(m => m.Name == name);

    /// <summary>
    /// Creates one namespace per name; <paramref name="names"/>[0] runs <c>weft init</c> (the CA), the
    /// others ask to join, are signed by it (with <paramref name="signOptions"/> for that name, e.g.
    /// <c>--roles relay</c>) and install their bundles. Nothing is started and nothing is linked yet.
    /// </summary>
    public static async Task<MeshLab> CreateAsync(NetworkLab lab, IReadOnlyList<string> names, IReadOnlyDictionary<string, string[]>? signOptions = null)
    {
        ArgumentNullException.ThrowIfNull(lab);
        ArgumentNullException.ThrowIfNull(names);
        var world = new MeshLab(lab);
        var namespaces = new string[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            namespaces[i] = await lab.CreateNamespaceAsync(names[i]).ConfigureAwait(false);
        }

        lab.Log($"{names[0]}: creates mesh 'home' ({MeshRange}) and becomes its first member");
        var ca = new WeftNode(lab, namespaces[0], names[0]);
        await ca.MustRunAsync("init", "--mesh", "home", "--name", names[0], "--ipv4", MeshRange, "--domain", "weft").ConfigureAwait(false);
        world.members.Add(new MeshMember(ca, names[0]));

        lab.Log($"{string.Join(", ", names.Skip(1))}: each asks to join; {names[0]} signs every request");
        var joiners = names.Skip(1).Select((name, i) => new WeftNode(lab, namespaces[i + 1], name)).ToList();
        var requests = await Task.WhenAll(joiners.Select(n => n.MustRunAsync("join", "--request", "--name", n.Label))).ConfigureAwait(false);
        var bundles = new string[joiners.Count];
        for (var i = 0; i < joiners.Count; i++)
        {
            var exchange = lab.CreateTempDirectory("exchange-" + joiners[i].Label);
            var requestFile = Path.Combine(exchange, "join.req");
            await File.WriteAllTextAsync(requestFile, requests[i].Stdout).ConfigureAwait(false);
            var extra = signOptions is not null && signOptions.TryGetValue(joiners[i].Label, out var options) ? options : [];
            var bundle = await ca.MustRunAsync(["sign", "--name", joiners[i].Label, "--groups", "home,ssh", .. extra, requestFile]).ConfigureAwait(false);
            bundles[i] = Path.Combine(exchange, "join.bundle");
            await File.WriteAllTextAsync(bundles[i], bundle.Stdout).ConfigureAwait(false);
        }

        await Task.WhenAll(joiners.Select((n, i) => n.MustRunAsync("join", "--cert", bundles[i]))).ConfigureAwait(false);
        world.members.AddRange(joiners.Select(n => new MeshMember(n, n.Label)));
        return world;
    }

    /// <summary>A veth link between two members (their own /24 and /64); each becomes the other's neighbour.</summary>
    public async Task<VethLink> LinkAsync(MeshMember a, MeshMember b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        Lab.Log($"underlay link {a.Name} <-> {b.Name}");
        var link = await Lab.ConnectAsync(a.Namespace, b.Namespace).ConfigureAwait(false);
        a.AddLink(b, link.Ipv4A, link.Ipv4B, link.InterfaceA);
        b.AddLink(a, link.Ipv4B, link.Ipv4A, link.InterfaceB);
        return link;
    }

    /// <summary>
    /// Starts <c>weft up</c> on every given member at once, each with <paramref name="arguments"/>
    /// (by default a <c>--peer</c> for each of its neighbours and nothing else), and waits until every
    /// daemon answers; records their mesh addresses.
    /// </summary>
    public async Task StartAsync(IEnumerable<MeshMember> which, Func<MeshMember, string[]>? arguments = null)
    {
        ArgumentNullException.ThrowIfNull(which);
        var list = which.ToList();
        arguments ??= NeighbourPeers;
        foreach (var member in list)
        {
            member.Node.StartUp(arguments(member));
        }

        await Task.WhenAll(list.Select(m => RecordAddressesAsync(m))).ConfigureAwait(false);
    }

    /// <summary>Starts every member with <c>--peer</c> for its neighbours only.</summary>
    public Task StartAllAsync() => StartAsync(members);

    /// <summary>The default start arguments: one <c>--peer host:port</c> per neighbour, on the link shared with it.</summary>
    public static string[] NeighbourPeers(MeshMember member)
    {
        ArgumentNullException.ThrowIfNull(member);
        return member.NeighbourEndpoints.SelectMany(e => new[] { "--peer", e }).ToArray();
    }

    /// <summary>Waits until every member lists each of its neighbours as a verified peer with a handshake.</summary>
    public Task WaitForNeighboursAsync(TimeSpan timeout) =>
        Task.WhenAll(members.Where(m => m.Node.Daemon is not null).Select(m => m.Node.WaitUntilAsync(
            s => m.Neighbours.All(n => s.Peers.Any(p => p.Name == n.Name && p.IsConnected)),
            timeout,
            $"{m.Name} has a session with each neighbour ({string.Join(", ", m.Neighbours)})")));

    /// <summary>Waits until <paramref name="member"/>'s status shows a path to <paramref name="target"/> that satisfies <paramref name="accept"/>; returns the path.</summary>
    public static async Task<string> WaitForPathAsync(MeshMember member, MeshMember target, Func<string, bool> accept, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(accept);
        var status = await member.Node.WaitUntilAsync(
            s => MeshStatus.PathTo(s, target.Name) is { } path && accept(path),
            timeout,
            $"{member.Name}'s path to {target.Name} is {what}").ConfigureAwait(false);
        var found = MeshStatus.PathTo(status, target.Name)!;
        member.Node.Lab.Log($"{member.Name} -> {target.Name}: path \"{found}\", RTT {MeshStatus.RttTo(status, target.Name)?.ToString("F2", CultureInfo.InvariantCulture) ?? "?"} ms");
        return found;
    }

    private async Task RecordAddressesAsync(MeshMember member)
    {
        await member.Node.WaitUntilAsync(s => s.Ipv4Address is not null && s.Ipv6Address is not null, TimeSpan.FromSeconds(30), "the daemon answers with its mesh addresses").ConfigureAwait(false);
        var status = await member.Node.StatusAsync().ConfigureAwait(false);
        member.MeshIpv4 = status.Ipv4Address;
        member.MeshIpv6 = status.Ipv6Address;
        Assert.False(string.IsNullOrEmpty(member.MeshIpv4), $"{member.Name} has no mesh IPv4:\n{status.Json}");
        Lab.Log($"{member.Name} is up: mesh {member.MeshIpv4} / {member.MeshIpv6}");
    }
}
