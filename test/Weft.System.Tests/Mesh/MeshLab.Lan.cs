using Weft.SystemTests.Lab;
using Xunit;

namespace Weft.SystemTests.Mesh;

/// <summary>A LAN for <see cref="MeshLab"/>: members plugged into one Linux bridge, with nothing but IPv6 link-local addresses.</summary>
public sealed partial class MeshLab
{
    /// <summary>
    /// Creates a namespace holding a bridge and plugs each member into it with a veth pair. The
    /// members' ends get no configured address at all — only the IPv6 link-local address the kernel
    /// gives every interface (duplicate address detection off, so it is usable at once) — so
    /// the only way to find each other is link-local multicast. Returns each member's LAN interface.
    /// </summary>
    public async Task<IReadOnlyDictionary<MeshMember, string>> BridgeAsync(IReadOnlyList<MeshMember> plugged)
    {
        ArgumentNullException.ThrowIfNull(plugged);
        var lan = await Lab.CreateNamespaceAsync("lan switch").ConfigureAwait(false);
        var bridge = NetworkLab.UniqueName("br");
        Lab.Log($"the LAN: bridge {bridge} in {lan}, multicast snooping off (it floods every multicast frame like a plain switch)");
        await Lab.MustRunAsync(lan, "ip", "link", "add", bridge, "type", "bridge", "mcast_snooping", "0").ConfigureAwait(false);
        await Lab.MustRunAsync(lan, "ip", "link", "set", bridge, "up").ConfigureAwait(false);
        var result = new Dictionary<MeshMember, string>();
        foreach (var member in plugged)
        {
            var hostEnd = NetworkLab.UniqueName("l");
            var switchEnd = NetworkLab.UniqueName("p");
            Lab.Log($"{member.Name} plugs {hostEnd} into the LAN (port {switchEnd})");
            await Lab.MustRunAsync(member.Namespace, "sysctl", "-q", "-w", "net.ipv6.conf.default.accept_dad=0", "net.ipv6.conf.all.accept_dad=0").ConfigureAwait(false);
            await Lab.MustRunAsync(null, "ip", "link", "add", hostEnd, "netns", member.Namespace, "type", "veth", "peer", "name", switchEnd, "netns", lan).ConfigureAwait(false);
            await Lab.MustRunAsync(lan, "ip", "link", "set", switchEnd, "master", bridge, "up").ConfigureAwait(false);
            await Lab.MustRunAsync(member.Namespace, "ip", "link", "set", hostEnd, "up").ConfigureAwait(false);
            result[member] = hostEnd;
        }

        foreach (var (member, hostEnd) in result)
        {
            var ready = await Poll.UntilAsync(
                async () =>
                {
                    var show = await Lab.ExecAsync(new ExecRequest(member.Namespace, ["ip", "-6", "addr", "show", "dev", hostEnd, "scope", "link"]) { Quiet = true }).ConfigureAwait(false);
                    return show.Stdout.Contains("fe80::", StringComparison.Ordinal) && !show.Stdout.Contains("tentative", StringComparison.Ordinal);
                },
                TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            Assert.True(ready, $"{member.Name}'s {hostEnd} never got a usable link-local address");
            await Lab.MustRunAsync(member.Namespace, "ip", "-br", "addr", "show", "dev", hostEnd).ConfigureAwait(false);
        }

        return result;
    }
}
