using System.Globalization;
using System.Text.Json.Nodes;
using Weft.SystemTests.Lab;
using Weft.SystemTests.Mesh;
using Xunit;

namespace Weft.SystemTests.Nat;

/// <summary>
/// A weft mesh in the NAT lab: 'relay' (signed with <c>--roles relay</c>, TLS on 443) at 203.0.113.1
/// and 'witness' at 198.51.100.1 on the internet, and members behind the given sites' routers. Every
/// NATed member's config is <c>peers ["203.0.113.1:51820", "198.51.100.1:51820"]</c>,
/// <c>lanDiscovery false</c>: it knows only the two public members and must find every other member,
/// and a direct path to it, through the mesh. All daemons start at once.
/// </summary>
public sealed class NatWorld
{
    private readonly List<NatMember> members = [];

    private NatWorld(NatLab nat, MeshLab mesh)
    {
        Nat = nat;
        Mesh = mesh;
    }

    public NatLab Nat { get; }

    public MeshLab Mesh { get; }

    public NetworkLab Lab => Nat.Lab;

    public MeshMember Relay => Mesh["relay"];

    public MeshMember Witness => Mesh["witness"];

    public IReadOnlyList<NatMember> Members => members;

    public NatMember this[string name] => members.Single(m => m.Name == name);

    /// <summary>Builds the lab, the mesh and the sites (site i is number i + 1), writes every config and starts every daemon; waits until each member has a session with the relay.</summary>
    public static async Task<NatWorld> CreateAsync(NetworkLab lab, IReadOnlyList<NatSiteSpec> sites)
    {
        ArgumentNullException.ThrowIfNull(lab);
        ArgumentNullException.ThrowIfNull(sites);
        var names = new List<string> { "relay", "witness" };
        names.AddRange(sites.SelectMany(s => s.Members));
        var mesh = await MeshLab.CreateAsync(lab, names, new Dictionary<string, string[]> { ["relay"] = ["--roles", "relay"] }).ConfigureAwait(false);
        var nat = await NatLab.CreateAsync(lab).ConfigureAwait(false);
        var world = new NatWorld(nat, mesh);
        await nat.AttachPublicAsync(world.Relay.Namespace, NatLab.RelayAddress, "relay").ConfigureAwait(false);
        await nat.AttachPublicAsync(world.Witness.Namespace, NatLab.WitnessAddress, "witness").ConfigureAwait(false);
        for (var i = 0; i < sites.Count; i++)
        {
            var spec = sites[i];
            var site = await nat.AddSiteAsync(spec.Kind, i + 1, spec.Members.Select(m => mesh[m].Namespace).ToList()).ConfigureAwait(false);
            for (var h = 0; h < spec.Members.Count; h++)
            {
                world.members.Add(new NatMember(mesh[spec.Members[h]], site, site.HostAddress(h)));
            }
        }

        var relayPeer = $"{NatLab.RelayAddress}:{NatLab.WeftPort}";
        var witnessPeer = $"{NatLab.WitnessAddress}:{NatLab.WeftPort}";
        await WriteConfigAsync(lab, world.Relay, new JsonObject { ["listenPort"] = NatLab.WeftPort, ["tlsPort"] = 443, ["lanDiscovery"] = false }).ConfigureAwait(false);
        await WriteConfigAsync(lab, world.Witness, new JsonObject { ["listenPort"] = NatLab.WeftPort, ["peers"] = new JsonArray(relayPeer), ["lanDiscovery"] = false }).ConfigureAwait(false);
        foreach (var member in world.members)
        {
            await WriteConfigAsync(lab, member.Member, new JsonObject { ["listenPort"] = NatLab.WeftPort, ["peers"] = new JsonArray(relayPeer, witnessPeer), ["lanDiscovery"] = false }).ConfigureAwait(false);
        }

        lab.Log($"every daemon starts at once: relay, witness, {string.Join(", ", world.members)}");
        await mesh.StartAsync(mesh.Members, _ => []).ConfigureAwait(false);
        await Task.WhenAll(world.members.Select(m => m.Member.Node.WaitUntilAsync(
            s => s.Peers.Any(p => p.Name == "relay" && p.IsConnected),
            TimeSpan.FromSeconds(60),
            "it has a session with the relay"))).ConfigureAwait(false);
        return world;
    }

    /// <summary>The path <paramref name="from"/>'s daemon shows to <paramref name="to"/> right now (read from its local API); null when none.</summary>
    public static async Task<string?> PathAsync(MeshMember from, MeshMember to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var status = await NatApi.StatusAsync(from.Node).ConfigureAwait(false);
        return status is null ? null : MeshStatus.PathTo(status, to.Name);
    }

    /// <summary>True for a direct UDP path ("direct udp 198.18.2.1:51820").</summary>
    public static bool IsDirectUdp(string? path) => path is not null && path.StartsWith("direct udp ", StringComparison.Ordinal);

    /// <summary>Everything useful when a pair fails: both members' status JSON and the last lines of their logs.</summary>
    public async Task<string> DumpAsync(params MeshMember[] which)
    {
        ArgumentNullException.ThrowIfNull(which);
        var text = new System.Text.StringBuilder();
        foreach (var member in which)
        {
            var status = await NatApi.StatusAsync(member.Node).ConfigureAwait(false);
            text.AppendLine(CultureInfo.InvariantCulture, $"--- {member.Name} status ---");
            text.AppendLine(status?.Json ?? "(no answer)");
            var lines = member.Node.Daemon?.Lines ?? [];
            text.AppendLine(CultureInfo.InvariantCulture, $"--- {member.Name} log (last 40 of {lines.Count} lines) ---");
            foreach (var line in lines.Skip(Math.Max(0, lines.Count - 40)))
            {
                text.AppendLine(line);
            }
        }

        return text.ToString();
    }

    /// <summary>Writes weft.json (with <c>logLevel</c> from <c>$WEFT_NAT_LOGLEVEL</c> when set, e.g. "debug" to see every NAT traversal step).</summary>
    private static async Task WriteConfigAsync(NetworkLab lab, MeshMember member, JsonObject config)
    {
        var level = Environment.GetEnvironmentVariable("WEFT_NAT_LOGLEVEL");
        if (!string.IsNullOrEmpty(level))
        {
            config["logLevel"] = level;
        }

        var path = Path.Combine(member.Node.StateDirectory, "weft.json");
        var text = config.ToJsonString();
        lab.Log($"{member.Name}: {path} <- {text}");
        await File.WriteAllTextAsync(path, text + "\n").ConfigureAwait(false);
    }
}
