using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Weft.Tests;
using Xunit;

namespace Weft.Platform.Tests.PortMapping;

/// <summary>
/// The port mapper against the real miniupnpd, in three namespaces this test builds and removes:
/// <code>
///  client ns                      router ns (miniupnpd -d, nftables NAT)          internet ns
///  192.168.213.2 ─── LAN veth ─── 192.168.213.1 │ WAN 11.213.90.1 ─── WAN veth ─── 11.213.90.2
///  (PortMapChild: map + receive)                                                  (PortMapChild: send)
/// </code>
/// miniupnpd refuses reserved/private external addresses, so the WAN uses 11.213.90.0/24; nothing
/// routes out of these namespaces, so no packet reaches the real owner of that range.
/// Each case maps the client's UDP port through one protocol, proves the mapping by a datagram from
/// the internet namespace to the external port, removes it, and proves it gone (rule list empty, a new
/// flow no longer arrives).
/// </summary>
public sealed class MiniupnpdNamespaceTests
{
    private const string Router = "192.168.213.1";
    private const string Wan = "11.213.90.1";
    private const int InternalPort = 41641;

    [Theory]
    [InlineData("pcp,natpmp,upnp", "Pcp")]
    [InlineData("natpmp", "NatPmp")]
    [InlineData("upnp", "Upnp")]
    public async Task Mapping_forwards_internet_datagrams_until_removed(string protocols, string expectedProtocol)
    {
        Requires.Root();
        Requires.Programs("miniupnpd", "nft", "ip");
        var cancel = TestContext.Current.CancellationToken;
        var tag = TestNames.Tag();
        string routerNs = $"pmr{tag}", clientNs = $"pmc{tag}", internetNs = $"pmi{tag}";
        string wanIf = $"pmw{tag}", lanIf = $"pml{tag}";
        var dir = Directory.CreateTempSubdirectory("weft-portmap-");
        Process? miniupnpd = null;
        Child? client = null;
        try
        {
            Step($"namespaces {clientNs} — {routerNs} — {internetNs}");
            foreach (var ns in new[] { routerNs, clientNs, internetNs })
            {
                Exec("ip", "netns", "add", ns);
                Exec("ip", "-n", ns, "link", "set", "lo", "up");
            }

            Exec("ip", "link", "add", wanIf, "netns", routerNs, "type", "veth", "peer", "name", $"pmx{tag}", "netns", internetNs);
            Exec("ip", "link", "add", lanIf, "netns", routerNs, "type", "veth", "peer", "name", $"pmy{tag}", "netns", clientNs);
            Exec("ip", "-n", routerNs, "addr", "add", Wan + "/24", "dev", wanIf);
            Exec("ip", "-n", internetNs, "addr", "add", "11.213.90.2/24", "dev", $"pmx{tag}");
            Exec("ip", "-n", routerNs, "addr", "add", Router + "/24", "dev", lanIf);
            Exec("ip", "-n", clientNs, "addr", "add", "192.168.213.2/24", "dev", $"pmy{tag}");
            Exec("ip", "-n", routerNs, "link", "set", wanIf, "up");
            Exec("ip", "-n", routerNs, "link", "set", lanIf, "up");
            Exec("ip", "-n", internetNs, "link", "set", $"pmx{tag}", "up");
            Exec("ip", "-n", clientNs, "link", "set", $"pmy{tag}", "up");
            Exec("ip", "-n", clientNs, "route", "add", "default", "via", Router);
            Exec("ip", "netns", "exec", routerNs, "sysctl", "-qw", "net.ipv4.ip_forward=1");

            Step("router: nftables chains for miniupnpd, masquerade on the WAN");
            var (rules, config) = MiniupnpdRouter.WriteFiles(dir.FullName, wanIf, lanIf, "192.168.213.0/24", tag);
            Exec("ip", "netns", "exec", routerNs, "nft", "-f", rules);
            Step("router: miniupnpd -d");
            var log = new BlockingCollection<string>();
            miniupnpd = Start(["ip", "netns", "exec", routerNs, Requires.FindOnPath("miniupnpd")!, "-f", config, "-d", "-P", Path.Combine(dir.FullName, "pid")], log, child: false);
            WaitFor(log, "Listening for NAT-PMP/PCP traffic", cancel);

            Step($"client: bind UDP {InternalPort}, map it with {protocols}");
            var answers = new BlockingCollection<string>();
            client = new Child(Start(ChildCommand(clientNs, "map", Router, $"{InternalPort}", "600", protocols), answers, child: true), answers);
            var mapped = client.Next(cancel).Split(' ');
            Assert.True(mapped[0] == "mapped", string.Join(' ', mapped) + "\nminiupnpd: " + string.Join('\n', log));
            Step(string.Join(' ', mapped));
            Assert.Equal(expectedProtocol, mapped[1]);
            Assert.Equal(Wan, mapped[2]);
            var externalPort = mapped[3];
            Assert.Equal("192.168.213.2", mapped[5]);
            Assert.Contains("dnat", Exec("ip", "netns", "exec", routerNs, "nft", "list", "chain", "inet", "weftupnp", "prerouting_miniupnpd"), StringComparison.Ordinal);

            Step($"internet: datagrams to {Wan}:{externalPort} reach the client's port {InternalPort}");
            client.Say("expect hello 6000");
            Sender(internetNs, externalPort, "hello");
            Assert.Equal("got hello", client.Next(cancel));

            Step("client: renew keeps the same external endpoint, and it still forwards");
            client.Say("renew");
            Assert.Equal($"renewed {expectedProtocol} {Wan} {externalPort}", client.Next(cancel));
            client.Say("expect renewed 6000");
            Sender(internetNs, externalPort, "renewed");
            Assert.Equal("got renewed", client.Next(cancel));

            Step("client: remove the mapping");
            client.Say("remove");
            Assert.Equal("removed", client.Next(cancel));
            Assert.DoesNotContain("dnat", Exec("ip", "netns", "exec", routerNs, "nft", "list", "chain", "inet", "weftupnp", "prerouting_miniupnpd"), StringComparison.Ordinal);

            Step("internet: a new flow to the old external port no longer arrives");
            client.Say("expect again 2500");
            Sender(internetNs, externalPort, "again");
            Assert.Equal("none", client.Next(cancel));
            client.Say("exit");
        }
        finally
        {
            client?.Dispose();
            if (miniupnpd is not null)
            {
                Stop(miniupnpd);
            }

            foreach (var ns in new[] { clientNs, routerNs, internetNs })
            {
                Run("ip", "netns", "del", ns);
            }

            dir.Delete(recursive: true);
        }
    }

    private static void Sender(string internetNs, string externalPort, string payload)
    {
        var lines = new BlockingCollection<string>();
        using var sender = Start(ChildCommand(internetNs, "send", Wan, externalPort, payload, "20", "100"), lines, child: true);
        if (!sender.WaitForExit(20_000))
        {
            Stop(sender);
            Assert.Fail("sender did not finish");
        }

        Step(string.Join(' ', lines));
    }

    private static string[] ChildCommand(string ns, params string[] arguments)
    {
        var apphost = Path.Combine(AppContext.BaseDirectory, "Weft.Platform.Tests");
        string[] program = File.Exists(apphost)
            ? [apphost]
            : [Requires.FindOnPath("dotnet") ?? "dotnet", Path.Combine(AppContext.BaseDirectory, "Weft.Platform.Tests.dll")];
        return ["ip", "netns", "exec", ns, .. program, "--portmap-child", .. arguments];
    }

    private static Process Start(string[] argv, BlockingCollection<string> lines, bool child)
    {
        var start = new ProcessStartInfo(Requires.FindOnPath(argv[0]) ?? argv[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in argv.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        if (child)
        {
            start.Environment[PortMapChild.Variable] = "1";
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lines.Add(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lines.Add(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void WaitFor(BlockingCollection<string> lines, string text, CancellationToken cancel) =>
        TestCommands.WaitForLine(lines, text, TimeSpan.FromSeconds(15), cancel);

    // `ip netns exec` execs its program, so the PID is the program's own.
    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        process.Dispose();
    }

    private static string Exec(params string[] argv) => TestCommands.Exec(argv);

    private static (int Code, string Output) Run(params string[] argv) => TestCommands.Run(argv);

    private static void Step(string text) => TestCommands.Step(text);

    /// <summary>A <see cref="PortMapChild"/> process: lines to its stdin, its answers one at a time.</summary>
    private sealed class Child(Process process, BlockingCollection<string> answers) : IDisposable
    {

        public void Say(string line)
        {
            process.StandardInput.WriteLine(line);
            process.StandardInput.Flush();
        }

        public string Next(CancellationToken cancel) =>
            answers.TryTake(out var line, 30_000, cancel) ? line : "(no answer from the client child)";

        public void Dispose() => Stop(process);
    }
}
