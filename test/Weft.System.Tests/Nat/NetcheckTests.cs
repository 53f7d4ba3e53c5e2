using System.Net;
using Weft.SystemTests.Lab;
using Weft.Tests;
using Xunit;

namespace Weft.SystemTests.Nat;

/// <summary>
/// Issue 4, <c>weft netcheck</c> against the routers' measured truth (<see cref="NatTruth"/>, proven by
/// <see cref="NatRouterBehaviourTests"/>): behind one router of each kind, in the shared matrix lab,
/// <c>weft netcheck --json</c> must report UDP working except behind the UDP-blocked router; its IPv4
/// reflexive endpoints on the router's (or CGNAT's) WAN address; endpoint-independent mapping except
/// behind the symmetric router; a port mapping (with its protocol, on the WAN address) only behind
/// the upnp router; hairpinning only behind the full cone.
/// </summary>
[Collection(NatMatrixCollection.Name)]
public sealed class NetcheckTests(NatMatrixFixture fixture)
{
    [Fact]
    public async Task NetcheckReportsWhatEachRouterReallyDoes()
    {
        Requires.Root();
        Requires.Programs("ip", "nft", "ping", "python3", "miniupnpd");
        var world = await fixture.GetAsync();
        var lab = world.Lab;
        var members = Enum.GetValues<NatKind>().Select(k => world[NatMatrixFixture.MemberName(k, 1)]).ToList();
        var reports = await Task.WhenAll(members.Select(m => NetcheckAsync(lab, m)));
        var problems = new List<string>();
        lab.Log("| router | udp | ipv4 | mapping | port mapping | hairpinning |");
        lab.Log("|---|---|---|---|---|---|");
        for (var i = 0; i < members.Count; i++)
        {
            var (member, report) = (members[i], reports[i]);
            lab.Log($"| {NatTruth.Name(member.Site.Kind)} | {report.Udp} | {string.Join(" ", report.Ipv4)} | {report.Mapping} | {report.PortMappingAvailable} {report.PortMappingProtocol} {report.PortMappingExternal} | {report.Hairpinning} |");
            problems.AddRange(Compare(member, report).Select(p => $"{member}: {p}\n{report.Json}"));
        }

        Assert.True(problems.Count == 0, string.Join("\n\n", problems));
    }

    /// <summary>Every difference between the report and the truth of the member's router.</summary>
    private static IEnumerable<string> Compare(NatMember member, NetcheckReport report)
    {
        var truth = NatTruth.Of(member.Site.Kind);
        var wan = member.Site.WanAddress;
        if (report.Udp != truth.Udp)
        {
            yield return $"udp is {report.Udp?.ToString() ?? "null"}, the router says {truth.Udp}";
        }

        if (truth.Udp)
        {
            if (report.Ipv4.Count == 0 || report.Ipv4.Any(e => !e.Address.Equals(wan)))
            {
                yield return $"ipv4 is [{string.Join(", ", report.Ipv4)}], expected endpoints on the WAN address {wan}";
            }
        }
        else if (report.Ipv4.Count != 0)
        {
            yield return $"ipv4 is [{string.Join(", ", report.Ipv4)}] although no UDP gets out";
        }

        if (report.Mapping != truth.NetcheckMapping)
        {
            yield return $"mapping is {report.Mapping} ({report.MappingDetail}), the router's is {truth.NetcheckMapping}";
        }

        if (truth.PortMapping)
        {
            if (report.PortMappingAvailable != true || report.PortMappingProtocol is null || report.PortMappingExternal is null || !report.PortMappingExternal.Address.Equals(wan))
            {
                yield return $"port mapping: available {report.PortMappingAvailable}, protocol {report.PortMappingProtocol}, external {report.PortMappingExternal}, error {report.PortMappingError}; expected a mapping on {wan}";
            }
        }
        else if (report.PortMappingAvailable != false)
        {
            yield return $"port mapping available is {report.PortMappingAvailable?.ToString() ?? "null"} ({report.PortMappingError}) on a router without one";
        }

        if (truth.Udp ? report.Hairpinning != truth.Hairpinning : report.Hairpinning == true)
        {
            yield return $"hairpinning is {report.Hairpinning?.ToString() ?? "null"}, the router's is {truth.Hairpinning}";
        }
    }

    /// <summary>
    /// <c>weft netcheck --json</c> on the member, again while the first port-mapping attempt is still
    /// running ("available": null) — at most 20 s — so the comparison sees the settled answer.
    /// </summary>
    private static async Task<NetcheckReport> NetcheckAsync(NetworkLab lab, NatMember member)
    {
        NetcheckReport? last = null;
        string lastRun = "";
        var settled = await Poll.ForValueAsync(
            async () =>
            {
                var run = await lab.ExecAsync(new ExecRequest(member.Member.Namespace, member.Member.Node.Argv("netcheck", "--json")) { Timeout = TimeSpan.FromSeconds(20) });
                lastRun = run.ToString();
                last = run.Succeeded ? NetcheckReport.TryParse(run.Stdout, out _) : null;
                return last is { PortMappingAvailable: not null } ? last : null;
            },
            TimeSpan.FromSeconds(20),
            TimeSpan.FromSeconds(1));
        Assert.True(last is not null, $"{member}: `weft netcheck --json` gave no report:\n{lastRun}");
        lab.Log($"{member}: netcheck {(settled is null ? "(port mapping never settled) " : "")}{last!.Json}");
        await lab.ExecAsync(member.Member.Namespace, member.Member.Node.Argv("netcheck"));
        return settled ?? last;
    }
}
