using Weft.SystemTests.Lab;
using Weft.Tests;
using Xunit;

namespace Weft.SystemTests.Nat;

/// <summary>
/// Issue 4, same NAT: 'alpha' (192.168.1.2) and 'bravo' (192.168.1.3) sit on one LAN behind one
/// restricted router, LAN discovery off, knowing only the relay and the witness. Once alpha pings
/// bravo, the path between them becomes their LAN addresses ("direct udp 192.168.1.3:51820"), not
/// the router's WAN address (which this router does not hairpin anyway).
/// </summary>
public sealed class SameNatTests
{
    [Fact]
    public async Task MembersBehindOneNatTalkOverTheLan()
    {
        Requires.Root();
        Requires.Programs("ip", "nft", "ping");
        await using var lab = new NetworkLab();
        lab.Log("Story: alpha and bravo share a home LAN behind a restricted router; LAN discovery is off, so only call-me-maybe can tell them each other's LAN address.");
        var world = await NatWorld.CreateAsync(lab, [new NatSiteSpec(NatKind.Restricted, ["alpha", "bravo"])]);
        var (alpha, bravo) = (world["alpha"], world["bravo"]);
        var ping = lab.StartProcess(alpha.Member.Namespace, "ping alpha->bravo", ["ping", "-n", "-i", "0.2", "-W", "1", "-w", "30", bravo.Member.MeshIpv4!]);
        try
        {
            var expected = $"direct udp {bravo.LanAddress}:{NatLab.WeftPort}";
            var back = $"direct udp {alpha.LanAddress}:{NatLab.WeftPort}";
            string? ab = null, ba = null;
            var lan = await Poll.UntilAsync(
                async () =>
                {
                    ab = await NatWorld.PathAsync(alpha.Member, bravo.Member);
                    ba = await NatWorld.PathAsync(bravo.Member, alpha.Member);
                    return ab == expected && ba == back;
                },
                TimeSpan.FromSeconds(15),
                TimeSpan.FromMilliseconds(200));
            lab.Log($"alpha -> bravo: \"{ab}\"; bravo -> alpha: \"{ba}\"");
            Assert.True(lan, $"the path did not become the LAN (expected \"{expected}\" / \"{back}\", got \"{ab}\" / \"{ba}\")\n{await world.DumpAsync(alpha.Member, bravo.Member)}");
            await WeftScenario.MustPingAsync(lab, alpha.Member.Namespace, bravo.Member.MeshIpv4!);
        }
        finally
        {
            ping.Signal(Lab.Interop.SIGINT);
            await ping.WaitForExitAsync(TimeSpan.FromSeconds(5));
        }
    }
}
