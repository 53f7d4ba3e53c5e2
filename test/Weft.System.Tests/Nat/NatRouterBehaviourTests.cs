using System.Globalization;
using System.Net;
using Weft.SystemTests.Lab;
using Weft.Tests;
using Xunit;

namespace Weft.SystemTests.Nat;

/// <summary>
/// The NAT lab's self-check: before weft is tested behind them, prove with python3 probes that the
/// routers of every <see cref="NatKind"/> behave as <see cref="NatTruth"/> says — mapping (one socket
/// asks the relay's and the witness's "what source do you see" servers: same or different port),
/// filtering (unsolicited UDP from inet reaches the LAN host only behind the full cone), conntrack
/// poisoning (an inbound packet before the host sent changes the host's later port only on the bare
/// router), UDP blocked (UDP out fails, TCP out works), hairpinning (full cone only) and port mapping
/// (NAT-PMP answers with the WAN address, and the mapped port forwards, only on the upnp router); and
/// that inet is a routed hop: a datagram with IP TTL 2 from behind one router (3 behind a double NAT)
/// dies there, one more hop of TTL reaches the relay.
/// </summary>
public sealed class NatRouterBehaviourTests
{
    private const int MappingPort = 40000;
    private const int MappedPort = 40001;

    [Fact]
    public async Task EveryRouterKindBehavesAsDocumented()
    {
        Requires.Root();
        Requires.Programs("ip", "nft", "python3", "miniupnpd");
        await using var lab = new NetworkLab();
        lab.Log("Story: one site of every router kind, a relay and a witness with 'what source do you see' servers; each router's behaviour is measured.");
        var nat = await NatLab.CreateAsync(lab);
        var relay = await lab.CreateNamespaceAsync("relay");
        var witness = await lab.CreateNamespaceAsync("witness");
        await nat.AttachPublicAsync(relay, NatLab.RelayAddress, "relay");
        await nat.AttachPublicAsync(witness, NatLab.WitnessAddress, "witness");
        var relayServer = await NatProbe.ServeAsync(lab, relay, "relay probe server");
        await NatProbe.ServeAsync(lab, witness, "witness probe server");
        var kinds = Enum.GetValues<NatKind>();
        var sites = new List<NatSite>();
        for (var i = 0; i < kinds.Length; i++)
        {
            var host = await lab.CreateNamespaceAsync($"host behind {NatTruth.Name(kinds[i])}");
            sites.Add(await nat.AddSiteAsync(kinds[i], i + 1, [host]));
        }

        var measured = await Task.WhenAll(sites.Select(s => MeasureAsync(nat, relay, relayServer, s)));
        lab.Log("| router | mapping | udp | unsolicited in | hairpin | port mapping | poisoned by early inbound |");
        lab.Log("|---|---|---|---|---|---|---|");
        foreach (var m in measured)
        {
            lab.Log($"| {NatTruth.Name(m.Kind)} | {m.EndpointIndependentMapping switch { true => "EIM", false => "EDM", null => "-" }} | {m.Udp} | {m.UnsolicitedInbound} | {m.Hairpinning} | {m.PortMapping} | {m.Poisonable} |");
        }

        foreach (var m in measured)
        {
            Assert.Equal(NatTruth.Of(m.Kind), m);
        }
    }

    /// <summary>Measures one site's router with the probes; returns what it really does.</summary>
    private static async Task<NatTruth> MeasureAsync(NatLab nat, string relayNs, LabProcess relayServer, NatSite site)
    {
        var lab = nat.Lab;
        var host = site.Hosts[0];
        var wan = site.WanAddress.ToString();
        var relay = $"{NatLab.RelayAddress}:{NatProbe.ServerPort}";
        var witness = $"{NatLab.WitnessAddress}:{NatProbe.ServerPort}";
        var port = NatLab.WeftPort.ToString(CultureInfo.InvariantCulture);

        // Poisoning first, before the host has ever sent from 51820 to the relay's server.
        bool poisoned = false;
        if (site.Kind is not (NatKind.Symmetric or NatKind.UdpBlocked))
        {
            await lab.MustRunAsync(relayNs, "python3", "-c", $"import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'poke {wan} {port}', ('127.0.0.1', {NatProbe.ServerPort}))");
            Assert.True(await relayServer.WaitForLineAsync(l => l.Contains($"poked {wan}:{port}", StringComparison.Ordinal), TimeSpan.FromSeconds(10)), $"the relay's server never sent the poke to {wan}:{port}");
            var after = await NatProbe.RunAsync(lab, host, "map", port, relay);
            var seen = Seen(after[0]);
            Assert.True(seen is not null, $"{site}: no answer from the relay's server after the poke: {string.Join('\n', after)}");
            poisoned = seen!.Port != NatLab.WeftPort;
            lab.Log($"{site}: after an inbound packet from the relay's server to {wan}:{port}, the host's {port} is seen as {seen}{(poisoned ? " (poisoned: masquerade picked another port)" : "")}");
        }

        var map = await NatProbe.RunAsync(lab, host, "map", MappingPort.ToString(CultureInfo.InvariantCulture), relay, witness);
        var byRelay = Seen(map[0]);
        var byWitness = Seen(map[1]);
        var udp = byRelay is not null && byWitness is not null;
        bool? eim = null;
        if (udp)
        {
            Assert.True(byRelay!.Address.ToString() == wan && byWitness!.Address.ToString() == wan, $"{site}: the servers saw {byRelay} and {byWitness}, not the WAN address {wan}");
            eim = byRelay.Port == byWitness.Port;
            lab.Log($"{site}: one socket is seen as {byRelay} by the relay and {byWitness} by the witness: {(eim.Value ? "endpoint-independent" : "endpoint-dependent")} mapping");
        }

        if (udp)
        {
            // inet is a routed hop, not a bridge: with one router (two for a double NAT) before it, a datagram
            // with TTL routers + 1 dies in inet (weft's primers) and TTL routers + 2 reaches the relay.
            var routers = site.Kind == NatKind.Double ? 2 : 1;
            var dies = await NatProbe.RunAsync(lab, host, "ttl", "40002", (routers + 1).ToString(CultureInfo.InvariantCulture), relay);
            var arrives = await NatProbe.RunAsync(lab, host, "ttl", "40003", (routers + 2).ToString(CultureInfo.InvariantCulture), relay);
            lab.Log($"{site}: {dies[0]}; {arrives[0]}");
            Assert.True(dies[0].EndsWith(" none", StringComparison.Ordinal), $"{site}: a datagram with TTL {routers + 1} got past inet: {dies[0]}");
            Assert.Contains(" seen ", arrives[0], StringComparison.Ordinal);
        }

        var tcp = await NatProbe.RunAsync(lab, host, "tcp", NatLab.RelayAddress.ToString(), NatProbe.ServerPort.ToString(CultureInfo.InvariantCulture));
        Assert.True(tcp[0].StartsWith($"seen {wan}:", StringComparison.Ordinal), $"{site}: TCP out does not work or is not masqueraded to {wan}: {tcp[0]}");

        var listener = lab.StartProcess(host, $"{site} listener", NatProbe.Argv(lab, "open", port, relay, "3"));
        Assert.True(await listener.WaitForLineAsync(l => l.StartsWith("ready", StringComparison.Ordinal), TimeSpan.FromSeconds(10)), $"{site}: the listener never got ready:\n{listener.Output}");
        await NatProbe.RunAsync(lab, nat.Inet, "send", "7777", wan, port, "unsolicited", "5");
        await listener.WaitForExitAsync(TimeSpan.FromSeconds(10));
        var unsolicited = listener.Lines.Any(l => l.StartsWith("got ", StringComparison.Ordinal) && l.Contains("unsolicited", StringComparison.Ordinal));

        var hairpin = await NatProbe.RunAsync(lab, host, "hairpin", port, wan, port);
        var hairpinning = hairpin[0] == "hairpin yes";

        var pmp = await NatProbe.RunAsync(lab, host, "natpmp", site.RouterLanAddress.ToString(), MappedPort.ToString(CultureInfo.InvariantCulture));
        var parts = pmp[0].Split(' ');
        var portMapping = parts.Length == 3 && parts[1] != "none";
        if (portMapping)
        {
            Assert.Equal(wan, parts[1]);
            lab.Log($"{site}: NAT-PMP maps UDP {MappedPort} to {parts[1]}:{parts[2]}; a datagram from inet to it must reach the host");
            var mapped = lab.StartProcess(host, $"{site} mapped listener", NatProbe.Argv(lab, "open", MappedPort.ToString(CultureInfo.InvariantCulture), relay, "3"));
            Assert.True(await mapped.WaitForLineAsync(l => l.StartsWith("ready", StringComparison.Ordinal), TimeSpan.FromSeconds(10)), $"{site}: the mapped listener never got ready:\n{mapped.Output}");
            await NatProbe.RunAsync(lab, nat.Inet, "send", "7778", wan, parts[2], "through-the-mapping", "5");
            await mapped.WaitForExitAsync(TimeSpan.FromSeconds(10));
            Assert.True(mapped.Lines.Any(l => l.Contains("through-the-mapping", StringComparison.Ordinal)), $"{site}: the NAT-PMP mapping did not forward:\n{mapped.Output}\nminiupnpd:\n{site.Miniupnpd?.Output}");
        }

        return new NatTruth(site.Kind, eim, udp, unsolicited, hairpinning, portMapping, poisoned);
    }

    private static IPEndPoint? Seen(string line)
    {
        var at = line.IndexOf(" seen ", StringComparison.Ordinal);
        return at < 0 ? null : IPEndPoint.Parse(line[(at + 6)..]);
    }
}
