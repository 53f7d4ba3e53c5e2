using System.Net;
using Weft.SystemTests.Lab;
using Weft.Tests;
using Xunit;

namespace Weft.SystemTests;

/// <summary>
/// The harness checks itself without weft: two namespaces, a stock wireguard-go peer in each,
/// configured with keys from <c>wg genkey</c>, and pings through the tunnel both ways. If this
/// fails, the lab or the installed programs are broken, not weft.
/// </summary>
public sealed class WireGuardGoTests
{
    [Fact]
    public async Task TwoWireGuardGoPeersPingThroughTheTunnel()
    {
        Requires.Root();
        Requires.Programs("ip", "ping", "ss", "wireguard-go", "wg");
        await using var lab = new NetworkLab();

        lab.Log("Story: two stock WireGuard peers (wireguard-go) on a veth link ping each other through the tunnel.");
        var nsA = await lab.CreateNamespaceAsync("A");
        var nsB = await lab.CreateNamespaceAsync("B");
        var link = await lab.ConnectAsync(nsA, nsB);
        var keysA = await WireGuardGoInterface.GenerateKeysAsync(lab);
        var keysB = await WireGuardGoInterface.GenerateKeysAsync(lab);

        var wgA = await WireGuardGoInterface.StartAsync(lab, nsA, $"""
            [Interface]
            PrivateKey = {keysA.PrivateKey}
            ListenPort = 51820
            Address = 10.99.0.1/24, fd00:99::1/64
            MTU = 1420

            [Peer]
            PublicKey = {keysB.PublicKey}
            AllowedIPs = 10.99.0.2/32, fd00:99::2/128
            """);
        var wgB = await WireGuardGoInterface.StartAsync(lab, nsB, $"""
            [Interface]
            PrivateKey = {keysB.PrivateKey}
            ListenPort = 51820
            Address = 10.99.0.2/24, fd00:99::2/64

            [Peer]
            PublicKey = {keysA.PublicKey}
            AllowedIPs = 10.99.0.1/32, fd00:99::1/128
            Endpoint = {WeftScenario.Endpoint(link.Ipv4A)}
            PersistentKeepalive = 25
            """);

        lab.Log("B pings A through the tunnel (B knows A's endpoint, so B starts the handshake).");
        await WeftScenario.MustPingAsync(lab, nsB, "10.99.0.1");
        await WeftScenario.MustPingAsync(lab, nsB, "fd00:99::1");
        lab.Log("A pings B back (A learned B's endpoint from the handshake).");
        await WeftScenario.MustPingAsync(lab, nsA, "10.99.0.2");
        await WeftScenario.MustPingAsync(lab, nsA, "fd00:99::2");

        var show = await lab.MustRunAsync(nsA, "wg", "show", wgA.Name, "latest-handshakes");
        Assert.Contains(keysB.PublicKey, show.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\t0\n", show.Stdout + "\n", StringComparison.Ordinal);
        var transfer = await lab.MustRunAsync(nsB, "wg", "show", wgB.Name, "transfer");
        Assert.Contains(keysA.PublicKey, transfer.Stdout, StringComparison.Ordinal);

        lab.Log("iperf3 both ways through the tunnel (3 s each): the measuring helper works.");
        Assert.True(await Iperf.MeasureAsync(lab, nsA, nsB, "10.99.0.1", reverse: false, seconds: 3) > 0, "B -> A carried no data");
        Assert.True(await Iperf.MeasureAsync(lab, nsA, nsB, "10.99.0.1", reverse: true, seconds: 3) > 0, "A -> B carried no data");

        lab.Log("Garbage at A's UDP port from B's namespace for 3 s while B pings A: the noise helper works and wireguard-go shrugs it off.");
        var noise = UdpNoise.SendAsync(nsB, new IPEndPoint(link.Ipv4A, 51820), TimeSpan.FromSeconds(3), maxDatagrams: 20_000, seed: 1);
        var ping = lab.ExecAsync(nsB, TimeSpan.FromSeconds(20), "ping", "-c", "12", "-i", "0.25", "-W", "2", "10.99.0.1");
        var sent = await noise;
        lab.Log($"sent {sent} garbage datagrams");
        Assert.True(sent > 100, $"the noise helper sent only {sent} datagrams");
        var during = await ping;
        Assert.True(during.Succeeded, $"ping through wireguard-go failed under noise: {during}");
        Assert.False(wgA.Process.HasExited, $"wireguard-go died:\n{wgA.Process.Output}");
    }
}
