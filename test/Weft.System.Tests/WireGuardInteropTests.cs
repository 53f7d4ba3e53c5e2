using Weft.SystemTests.Lab;
using Weft.Tests;
using Xunit;

namespace Weft.SystemTests;

/// <summary>
/// Compatible where it counts: a stock WireGuard peer (wireguard-go + wg, set up from the config
/// <c>weft wireguard add</c> prints) reaches a weft node, both ways, with real traffic.
/// </summary>
public sealed class WireGuardInteropTests
{
    [Fact]
    public async Task StockWireGuardPeerReachesWeftNode()
    {
        Requires.Root();
        Requires.Programs("ip", "ping", "ss", "iperf3", "wireguard-go", "wg");
        await using var lab = new NetworkLab();
        lab.Log("Story: A registers a phone with `weft wireguard add`; the phone (wireguard-go) uses the printed config; they ping and carry bulk traffic both ways.");
        var nsA = await lab.CreateNamespaceAsync("A");
        var nsPhone = await lab.CreateNamespaceAsync("phone");
        var link = await lab.ConnectAsync(nsA, nsPhone);
        var a = await WeftScenario.InitMeshAsync(lab, nsA, "A");
        await a.UpAsync();
        var aStatus = await a.StatusAsync();

        var added = await a.MustRunAsync("wireguard", "add", "phone", "--endpoint", WeftScenario.Endpoint(link.Ipv4A));
        var config = WireGuardConfig.Parse(added.Stdout);
        Assert.NotEmpty(config.Addresses);
        Assert.NotEmpty(config.AllowedIps);
        var phoneIpv4 = config.Addresses.Select(s => s.Split('/')[0]).First(s => !s.Contains(':', StringComparison.Ordinal));
        var phone = await WireGuardGoInterface.StartAsync(lab, nsPhone, added.Stdout);

        lab.Log("The phone pings A (it starts the handshake), then A pings the phone.");
        await WeftScenario.MustPingAsync(lab, nsPhone, aStatus.Ipv4Address!);
        await WeftScenario.MustPingAsync(lab, nsA, phoneIpv4);
        if (config.AllowedIps.Any(s => s.Contains(':', StringComparison.Ordinal)) && config.Addresses.Any(s => s.Contains(':', StringComparison.Ordinal)))
        {
            await WeftScenario.MustPingAsync(lab, nsPhone, aStatus.Ipv6Address!);
        }

        var peer = (await a.WaitUntilAsync(s => s.Peers.Any(p => p.Kind == "wireguard" && p.LastHandshake is not null), TimeSpan.FromSeconds(10), "A shows the phone as a wireguard peer with a handshake"))
            .Peers.First(p => p.Kind == "wireguard");
        Assert.Equal("phone", peer.Name);

        lab.Log("iperf3 10 s each way between the phone and A.");
        Assert.True(await Iperf.MeasureAsync(lab, nsA, nsPhone, aStatus.Ipv4Address!, reverse: false) > 0, "phone -> A carried no data");
        Assert.True(await Iperf.MeasureAsync(lab, nsA, nsPhone, aStatus.Ipv4Address!, reverse: true) > 0, "A -> phone carried no data");
        await lab.ExecAsync(nsPhone, "wg", "show", phone.Name);
    }
}
