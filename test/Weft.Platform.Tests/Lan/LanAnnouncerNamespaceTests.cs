using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Weft.Platform.Lan;
using Weft.Tests;
using Xunit;

namespace Weft.Platform.Tests.Lan;

/// <summary>
/// The real multicast path: a veth pair between the root namespace (our UdpTransport and
/// LanAnnouncer, limited to the test's veth so no beacon leaves on the host's own interfaces) and a
/// namespace where python3 plays the other node on a plain socket joined to ff02::5745:4654.
/// </summary>
public sealed class LanAnnouncerNamespaceTests
{
    // The other node: binds [::]:PORT, joins the group on IFACE, says "ready", prints the first
    // datagram (hex, source address, source port, scope id), then multicasts REPLY to the group.
    private const string OtherNode = """
        import socket, struct, sys, binascii
        port, iface, reply = int(sys.argv[1]), sys.argv[2], bytes.fromhex(sys.argv[3])
        index = socket.if_nametoindex(iface)
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, socket.inet_pton(socket.AF_INET6, "ff02::5745:4654") + struct.pack("@I", index))
        s.bind(("::", port))
        s.settimeout(20)
        print("ready", flush=True)
        data, source = s.recvfrom(2048)
        print("got", binascii.hexlify(data).decode(), source[0].split("%")[0], source[1], source[3], flush=True)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, index)
        s.sendto(reply, ("ff02::5745:4654", port, 0, index))
        print("sent", flush=True)
        """;

    [Fact]
    public async Task Beacon_crosses_a_veth_pair_both_ways_with_link_local_sources_and_scope_ids()
    {
        Requires.Root();
        Requires.Programs("ip", "python3");
        var cancel = TestContext.Current.CancellationToken;
        var tag = TestNames.Tag();
        var ns = $"weftlan{tag}";
        string here = $"wla{tag}", there = $"wlb{tag}";
        Process? other = null;
        Exec("ip", "netns", "add", ns);
        try
        {
            Step($"veth {here} (root) <-> {there} (namespace {ns}), no duplicate address detection delay");
            Exec("ip", "link", "add", here, "type", "veth", "peer", "name", there, "netns", ns);
            File.WriteAllText($"/proc/sys/net/ipv6/conf/{here}/accept_dad", "0");
            Exec("ip", "netns", "exec", ns, "sysctl", "-q", "-w", $"net.ipv6.conf.{there}.accept_dad=0");
            Exec("ip", "link", "set", here, "up");
            Exec("ip", "-n", ns, "link", "set", there, "up");
            var hereIndex = InterfaceIndex(null, here);
            var thereIndex = InterfaceIndex(ns, there);
            var hereAddress = await LinkLocal(null, here, cancel);
            var thereAddress = await LinkLocal(ns, there, cancel);
            Step($"{here} #{hereIndex} {hereAddress}; {there} #{thereIndex} {thereAddress}");

            using var transport = new UdpTransport(0);
            var received = new BlockingCollection<(byte[] Data, IPEndPoint Source)>();
            transport.StartReceiving((datagram, source) => received.Add((datagram.ToArray(), source)));
            var announcer = new LanAnnouncer(transport, [here], excludeInterface: null, TimeProvider.System);
            announcer.Rescan();
            Assert.Equal([new LanInterface(here, hereIndex)], announcer.Interfaces);

            var beacon = Convert.FromHexString("57454603" + "00112233445566778899aabbccddeeff" + "0102030405060708090a0b0c0d0e0f10")
                .Concat(new[] { (byte)(transport.LocalPort >> 8), (byte)transport.LocalPort }).ToArray();
            var reply = Convert.FromHexString("5745460311");
            var lines = new BlockingCollection<string>();
            other = Start(["netns", "exec", ns, Requires.FindOnPath("python3")!, "-c", OtherNode,
                           transport.LocalPort.ToString(CultureInfo.InvariantCulture), there, Convert.ToHexStringLower(reply)], lines);
            Assert.True(lines.TryTake(out var ready, 15_000, cancel) && ready == "ready", $"python: {ready}");

            Step("our announcer multicasts the beacon out of the veth until the other side has it");
            string? got = null;
            for (var attempt = 0; attempt < 50 && got is null; attempt++)
            {
                announcer.Announce(beacon);
                if (lines.TryTake(out var line, 200, cancel))
                {
                    got = line;
                }
            }

            Assert.NotNull(got);
            Step($"python: {got}");
            var fields = got.Split(' ');
            Assert.Equal("got", fields[0]);
            Assert.Equal(Convert.ToHexStringLower(beacon), fields[1]);
            Assert.Equal(hereAddress, IPAddress.Parse(fields[2]));
            Assert.Equal(transport.LocalPort.ToString(CultureInfo.InvariantCulture), fields[3]); // from the node's own socket
            Assert.Equal(thereIndex.ToString(CultureInfo.InvariantCulture), fields[4]);

            Step("the other side's multicast arrives through our normal receive loop, source link-local with our scope id");
            Assert.True(lines.TryTake(out var sent, 10_000, cancel) && sent == "sent", $"python: {sent}");
            Assert.True(received.TryTake(out var answer, 10_000, cancel), "nothing arrived from the namespace");
            Assert.Equal(reply, answer.Data);
            Assert.True(answer.Source.Address.IsIPv6LinkLocal);
            Assert.Equal(thereAddress, new IPAddress(answer.Source.Address.GetAddressBytes()));
            Assert.Equal(hereIndex, answer.Source.Address.ScopeId);
            Assert.Equal(transport.LocalPort, answer.Source.Port);
            Assert.False(received.TryTake(out _, 300, cancel), "our own beacons must not loop back");
            Assert.Equal(0, transport.SendErrors);
        }
        finally
        {
            if (other is { HasExited: false })
            {
                other.Kill();
                other.WaitForExit(5000);
            }

            other?.Dispose();
            Run("ip", "netns", "del", ns);
            Run("ip", "link", "del", here);
        }
    }

    private static string Names(LanAnnouncer announcer) => string.Join(", ", announcer.Interfaces.Select(i => i.Name).Order());

    private static bool RescanUntil(LanAnnouncer announcer, string[] expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            announcer.Rescan();
            if (announcer.Interfaces.Select(i => i.Name).Order().SequenceEqual(expected.Order()))
            {
                return true;
            }

            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            Thread.Sleep(50);
        }
    }

    [Fact]
    public void Rescan_joins_a_new_interface_and_forgets_a_deleted_one()
    {
        Requires.Root();
        Requires.Programs("ip");
        var tag = TestNames.Tag();
        var ns = $"weftlan{tag}";
        string first = $"wlc{tag}", second = $"wld{tag}", tun = $"wle{tag}";
        Exec("ip", "netns", "add", ns);
        try
        {
            using var transport = new UdpTransport(0);
            var announcer = new LanAnnouncer(transport, [first, second, tun], excludeInterface: tun, TimeProvider.System);
            AddVeth(first, ns);
            AddVeth(tun, ns);
            // A new interface is usable once the kernel gave it an IPv6 link-local address, which
            // can take a moment on a loaded machine: rescan (as the daemon does every 5 s) until then.
            Assert.True(RescanUntil(announcer, [first]), $"first scan found {Names(announcer)}");
            Step($"first scan: {Names(announcer)} (the excluded one is skipped)");

            Step("a new veth appears: the next scan joins it");
            AddVeth(second, ns);
            Assert.True(RescanUntil(announcer, [first, second]), $"rescan found {Names(announcer)}");

            Step("the first one is deleted: the next scan forgets it");
            Exec("ip", "link", "del", first);
            Assert.True(RescanUntil(announcer, [second]), $"rescan found {Names(announcer)}");
            Assert.Equal(0, transport.MulticastErrors);
        }
        finally
        {
            Run("ip", "netns", "del", ns);
            Run("ip", "link", "del", first);
            Run("ip", "link", "del", second);
            Run("ip", "link", "del", tun);
        }
    }

    private static void AddVeth(string name, string ns)
    {
        Exec("ip", "link", "add", name, "type", "veth", "peer", "name", name + "p", "netns", ns);
        File.WriteAllText($"/proc/sys/net/ipv6/conf/{name}/accept_dad", "0");
        Exec("ip", "link", "set", name, "up");
        Exec("ip", "-n", ns, "link", "set", name + "p", "up");
    }

    private static int InterfaceIndex(string? ns, string name)
    {
        var json = Json(ns, "link", "show", name);
        return json[0].GetProperty("ifindex").GetInt32();
    }

    /// <summary>The interface's IPv6 link-local address once the kernel has assigned it.</summary>
    private static async Task<IPAddress> LinkLocal(string? ns, string name, CancellationToken cancel)
    {
        for (var i = 0; i < 100; i++)
        {
            foreach (var info in Json(ns, "-6", "addr", "show", "dev", name)[0].GetProperty("addr_info").EnumerateArray())
            {
                if (info.GetProperty("scope").GetString() == "link" && !info.TryGetProperty("tentative", out _))
                {
                    return IPAddress.Parse(info.GetProperty("local").GetString()!);
                }
            }

            await Task.Delay(50, cancel);
        }

        throw new TimeoutException($"{name} got no link-local address");
    }

    private static JsonElement Json(string? ns, params string[] arguments) =>
        IpCommand.Json(ns is null ? arguments : ["-n", ns, .. arguments]);

    private static Process Start(string[] arguments, BlockingCollection<string> lines) => TestCommands.Start("ip", arguments, lines);

    private static string Exec(params string[] arguments)
    {
        var (exit, output) = IpCommand.Run(arguments[0] == "ip" ? arguments[1..] : throw new ArgumentException("ip only"));
        Assert.True(exit == 0, $"{string.Join(' ', arguments)} failed ({exit}): {output}");
        return output;
    }

    private static void Run(params string[] arguments) => IpCommand.Run(arguments[1..]);

    private static void Step(string text) => TestContext.Current.TestOutputHelper?.WriteLine(text);
}
