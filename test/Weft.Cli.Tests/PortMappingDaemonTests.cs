using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Weft.LocalApi;
using Weft.State;
using Weft.Tests;
using Xunit;

namespace Weft.Cli.Tests;

/// <summary>
/// <c>weft up</c> behind a real miniupnpd router, in two namespaces this test builds and removes:
/// <code>
///  client ns (weft up --listen 51998)          router ns (miniupnpd -d, nftables masquerade)
///  192.168.214.2 ─────── LAN veth ─────── 192.168.214.1 │ WAN 11.213.91.1 (a veth whose peer stays in the router)
/// </code>
/// The daemon maps its UDP port in the background (PCP first), logs it, shows it in status and netcheck, and on
/// SIGTERM removes it: the router's miniupnpd chains hold no DNAT rule any more. On the way, an address added to
/// the LAN interface shows up in the daemon's local addresses (the "local" NAT traversal candidates). miniupnpd refuses private
/// external addresses, hence 11.213.91.0/24 on an interface that leads nowhere.
/// </summary>
public sealed class PortMappingDaemonTests
{
    private const string Router = "192.168.214.1";
    private const string Wan = "11.213.91.1";
    private const int Port = 51998;

    [Fact]
    public async Task Up_maps_its_port_on_the_router_shows_it_and_removes_it_on_sigterm()
    {
        Requires.Root();
        Requires.Programs("ip", "kill", "miniupnpd", "nft");
        var cancel = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        var cli = new CliRunner(hostName: "portmap-test");
        Assert.Equal(0, cli.Run("init", "--mesh", "home", "--name", "behindnat", "--ipv4", "100.92.0.0/16", "--state", dir.Path).ExitCode);
        var state = new StateLayout(dir.Path);
        var tag = TestNames.Tag();
        string routerNs = $"wpmr{tag}", clientNs = $"wpmc{tag}", lanIf = $"wpml{tag}", wanIf = $"wpmw{tag}";
        Process? miniupnpd = null;
        Process? daemon = null;
        try
        {
            Step($"namespaces {clientNs} — {routerNs}");
            foreach (var ns in new[] { routerNs, clientNs })
            {
                Exec("ip", "netns", "add", ns);
                Exec("ip", "-n", ns, "link", "set", "lo", "up");
            }

            Exec("ip", "-n", routerNs, "link", "add", wanIf, "type", "veth", "peer", "name", wanIf + "x"); // a WAN that leads nowhere
            Exec("ip", "-n", routerNs, "link", "set", wanIf + "x", "up");
            Exec("ip", "link", "add", lanIf, "netns", routerNs, "type", "veth", "peer", "name", $"wpmy{tag}", "netns", clientNs);
            Exec("ip", "-n", routerNs, "addr", "add", Wan + "/24", "dev", wanIf);
            Exec("ip", "-n", routerNs, "addr", "add", Router + "/24", "dev", lanIf);
            Exec("ip", "-n", clientNs, "addr", "add", "192.168.214.2/24", "dev", $"wpmy{tag}");
            Exec("ip", "-n", routerNs, "link", "set", wanIf, "up");
            Exec("ip", "-n", routerNs, "link", "set", lanIf, "up");
            Exec("ip", "-n", clientNs, "link", "set", $"wpmy{tag}", "up");
            Exec("ip", "-n", clientNs, "route", "add", "default", "via", Router);
            Exec("ip", "netns", "exec", routerNs, "sysctl", "-qw", "net.ipv4.ip_forward=1");

            Step("router: nftables chains for miniupnpd, masquerade on the WAN, miniupnpd -d");
            var (rules, config) = MiniupnpdRouter.WriteFiles(dir.Path, wanIf, lanIf, "192.168.214.0/24", tag);
            Exec("ip", "netns", "exec", routerNs, "nft", "-f", rules);
            var routerLog = new BlockingCollection<string>();
            miniupnpd = Start(["ip", "netns", "exec", routerNs, Requires.FindOnPath("miniupnpd")!, "-f", config, "-d", "-P", dir.Combine("miniupnpd.pid")], routerLog);
            WaitFor(routerLog, "Listening for NAT-PMP/PCP traffic", cancel);

            Step($"client: weft up --listen {Port}");
            var log = new BlockingCollection<string>();
            daemon = Start(["ip", "netns", "exec", clientNs, Path.Combine(AppContext.BaseDirectory, "weft"), "up", "--state", dir.Path,
                            "--listen", Port.ToString(CultureInfo.InvariantCulture)], log);
            var mappedLine = WaitFor(log, "port mapping", cancel);
            Step(mappedLine);
            Assert.Contains($"port mapping: PCP {Wan}:{Port} on gateway {Router}", mappedLine, StringComparison.Ordinal);
            Assert.Contains("dnat", Exec("ip", "netns", "exec", routerNs, "nft", "list", "chain", "inet", "weftupnp", "prerouting_miniupnpd"), StringComparison.Ordinal);

            Step("status and netcheck show the mapping");
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!File.Exists(state.SocketPath) && DateTime.UtcNow < deadline && !daemon.HasExited)
            {
                await Task.Delay(50, cancel); // the mapping may well be in place before the local API is
            }

            using (var client = new LocalApiClient(state.SocketPath))
            {
                var status = await client.GetStatusAsync(cancel);
                Assert.Equal(new PortMappingReport(true, "pcp", $"{Wan}:{Port}", null), status.PortMapping);
            }

            var netcheck = cli.Run("netcheck", "--state", dir.Path, "--timeout", "0.5");
            Assert.True(netcheck.ExitCode == 0, netcheck.ToString());
            Step(netcheck.Out);
            Assert.Contains($"Port mapping: PCP {Wan}:{Port}\n", netcheck.Out, StringComparison.Ordinal);
            Assert.Contains("UDP:          unknown", netcheck.Out, StringComparison.Ordinal); // no members at all

            Step("a new address on the LAN interface: the 5 s rescan sees it and logs the new set (NAT traversal restarts)");
            Exec("ip", "-n", clientNs, "addr", "add", "192.168.215.2/24", "dev", $"wpmy{tag}");
            var changed = WaitFor(log, "local addresses changed", cancel);
            Step(changed);
            Assert.EndsWith("local addresses changed: 192.168.214.2, 192.168.215.2", changed, StringComparison.Ordinal); // not the TUN's 100.92.0.1

            Step("SIGTERM: the mapping is removed from the router before the daemon exits");
            Exec("kill", "-TERM", daemon.Id.ToString(CultureInfo.InvariantCulture));
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel))
            {
                timeout.CancelAfter(TimeSpan.FromSeconds(15));
                await daemon.WaitForExitAsync(timeout.Token);
            }

            var lines = string.Join('\n', log);
            Assert.True(daemon.ExitCode == 0, $"exit {daemon.ExitCode}; log:\n{lines}");
            Assert.Contains($"port mapping removed: PCP {Wan}:{Port} on gateway {Router}", lines, StringComparison.Ordinal);
            Assert.DoesNotContain("dnat", Exec("ip", "netns", "exec", routerNs, "nft", "list", "chain", "inet", "weftupnp", "prerouting_miniupnpd"),
                StringComparison.Ordinal);
        }
        finally
        {
            foreach (var process in new[] { daemon, miniupnpd })
            {
                if (process is { HasExited: false })
                {
                    process.Kill();
                    process.WaitForExit(5000);
                }

                process?.Dispose();
            }

            Run("ip", "netns", "del", clientNs);
            Run("ip", "netns", "del", routerNs);
        }
    }

    private static Process Start(string[] argv, BlockingCollection<string> lines) => TestCommands.Start(argv[0], argv[1..], lines);

    private static string WaitFor(BlockingCollection<string> lines, string text, CancellationToken cancel) =>
        TestCommands.WaitForLine(lines, text, TimeSpan.FromSeconds(20), cancel);

    private static string Exec(params string[] argv) => TestCommands.Exec(argv);

    private static (int Code, string Output) Run(params string[] argv) => TestCommands.Run(argv);

    private static void Step(string text) => TestCommands.Step(text);
}
