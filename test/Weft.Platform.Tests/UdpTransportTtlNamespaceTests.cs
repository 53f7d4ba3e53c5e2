using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Weft.Core.Net;
using Weft.Tests;
using Xunit;

namespace Weft.Platform.Tests;

/// <summary>
/// <see cref="UdpTransport.SendWithTtl"/> against a real forwarding router, in namespaces this test builds and removes:
/// <code>
///  host (root ns: our UdpTransport)          router ns (forwards)                 far ns (python3 receiver)
///  10.N.1.1 / fd57:N:1::1 ─── veth ─── 10.N.1.2 │ 10.N.2.1 ─── veth ─── 10.N.2.2 / fd57:N:2::2
/// </code>
/// TTL 1 dies at the router (which sends Time Exceeded), TTL 2 arrives with 1 left, and plain sends before and
/// after still arrive with the default TTL less one hop: the socket's default never changes. The receiver
/// reports each datagram's TTL / hop limit (IP_RECVTTL / IPV6_RECVHOPLIMIT).
/// </summary>
public sealed class UdpTransportTtlNamespaceTests
{
    private const int ReceiverPort = 40999;

    // Binds the port in its family, says "ready", then prints "got PAYLOAD TTL" per datagram.
    // 12 = IP_RECVTTL, 2 = IP_TTL, 51 = IPV6_RECVHOPLIMIT, 52 = IPV6_HOPLIMIT.
    private const string Receiver = """
        import socket, sys
        family, port = sys.argv[1], int(sys.argv[2])
        if family == "4":
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setsockopt(socket.IPPROTO_IP, 12, 1)
            s.bind(("0.0.0.0", port))
        else:
            s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
            s.setsockopt(socket.IPPROTO_IPV6, 51, 1)
            s.bind(("::", port))
        s.settimeout(60)
        print("ready", flush=True)
        while True:
            data, ancillary, flags, source = s.recvmsg(2048, 256)
            ttl = -1
            for level, kind, value in ancillary:
                if (level, kind) in ((socket.IPPROTO_IP, 2), (socket.IPPROTO_IPV6, 52)):
                    ttl = int.from_bytes(value[:4], sys.byteorder)
            print("got", data.decode(), ttl, flush=True)
        """;

    [Theory]
    [InlineData("ipv4")]
    [InlineData("ipv4-mapped")]
    [InlineData("ipv6")]
    public void Ttl_1_dies_at_the_router_ttl_2_arrives_and_plain_sends_keep_the_default(string family)
    {
        Requires.Root();
        Requires.Programs("ip", "python3");
        var cancel = TestContext.Current.CancellationToken;
        var tag = TestNames.Tag();
        var n = 200 + Random.Shared.Next(50);
        string routerNs = $"wttr{tag}", farNs = $"wttf{tag}";
        string hostIf = $"wth{tag}", routerIn = $"wti{tag}", routerOut = $"wto{tag}", farIf = $"wtf{tag}";
        Process? receiver = null;
        try
        {
            Step($"host (root) {hostIf} — {routerNs} — {farNs}");
            foreach (var ns in new[] { routerNs, farNs })
            {
                Exec("netns", "add", ns);
                Exec("-n", ns, "link", "set", "lo", "up");
            }

            Exec("link", "add", hostIf, "type", "veth", "peer", "name", routerIn, "netns", routerNs);
            Exec("-n", routerNs, "link", "add", routerOut, "type", "veth", "peer", "name", farIf, "netns", farNs);
            Exec("addr", "add", $"10.{n}.1.1/24", "dev", hostIf);
            Exec("addr", "add", $"fd57:{n}:1::1/64", "dev", hostIf, "nodad");
            Exec("-n", routerNs, "addr", "add", $"10.{n}.1.2/24", "dev", routerIn);
            Exec("-n", routerNs, "addr", "add", $"fd57:{n}:1::2/64", "dev", routerIn, "nodad");
            Exec("-n", routerNs, "addr", "add", $"10.{n}.2.1/24", "dev", routerOut);
            Exec("-n", routerNs, "addr", "add", $"fd57:{n}:2::1/64", "dev", routerOut, "nodad");
            Exec("-n", farNs, "addr", "add", $"10.{n}.2.2/24", "dev", farIf);
            Exec("-n", farNs, "addr", "add", $"fd57:{n}:2::2/64", "dev", farIf, "nodad");
            Exec("link", "set", hostIf, "up");
            Exec("-n", routerNs, "link", "set", routerIn, "up");
            Exec("-n", routerNs, "link", "set", routerOut, "up");
            Exec("-n", farNs, "link", "set", farIf, "up");
            Exec("route", "add", $"10.{n}.2.0/24", "via", $"10.{n}.1.2");
            Exec("-6", "route", "add", $"fd57:{n}:2::/64", "via", $"fd57:{n}:1::2");
            Exec("-n", farNs, "route", "add", "default", "via", $"10.{n}.2.1");
            Exec("-n", farNs, "-6", "route", "add", "default", "via", $"fd57:{n}:2::1");
            Exec("netns", "exec", routerNs, "sysctl", "-qw", "net.ipv4.ip_forward=1");
            Exec("netns", "exec", routerNs, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");

            var v6 = family == "ipv6";
            var lines = new BlockingCollection<string>();
            receiver = Start(["netns", "exec", farNs, Requires.FindOnPath("python3")!, "-c", Receiver, v6 ? "6" : "4",
                              ReceiverPort.ToString(CultureInfo.InvariantCulture)], lines);
            Assert.True(lines.TryTake(out var ready, 15_000, cancel) && ready == "ready", $"receiver: {ready}");

            var far = family switch
            {
                "ipv4" => new IPEndPoint(IPAddress.Parse($"10.{n}.2.2"), ReceiverPort),
                "ipv4-mapped" => new IPEndPoint(IPAddress.Parse($"::ffff:10.{n}.2.2"), ReceiverPort),
                _ => new IPEndPoint(IPAddress.Parse($"fd57:{n}:2::2"), ReceiverPort),
            };
            var defaultTtl = int.Parse(File.ReadAllText(v6 ? $"/proc/sys/net/ipv6/conf/{hostIf}/hop_limit" : "/proc/sys/net/ipv4/ip_default_ttl"),
                CultureInfo.InvariantCulture);
            var timeExceededBefore = TimeExceededSent(routerNs, v6);
            using var transport = new UdpTransport(0);

            Step($"TTL 1 to {far}, through the core's interface as the node sends it: the router drops it");
            IDatagramTransport asCore = transport;
            for (var i = 0; i < 3; i++)
            {
                asCore.SendWithTtl("ttl1"u8, far, 1);
            }

            Step("a plain send: arrives with the default TTL less one hop (the first datagram to arrive)");
            transport.Send("plain"u8, far);
            Assert.Equal($"got plain {defaultTtl - 1}", Next(lines, cancel));

            Step("TTL 2: arrives with 1 left");
            transport.SendWithTtl("ttl2"u8, far, 2);
            Assert.Equal("got ttl2 1", Next(lines, cancel));

            Step("a plain send after it: the default is unchanged");
            transport.Send("after"u8, far);
            Assert.Equal($"got after {defaultTtl - 1}", Next(lines, cancel));
            Assert.False(lines.TryTake(out var extra, 300, cancel), $"unexpected: {extra}");

            Assert.Equal(6, transport.DatagramsSent);
            Assert.Equal(0, transport.SendErrors);
            var timeExceeded = TimeExceededSent(routerNs, v6) - timeExceededBefore;
            Step($"the router sent {timeExceeded} Time Exceeded");
            Assert.True(timeExceeded >= 1, "the router sent no ICMP Time Exceeded: the TTL 1 datagrams did not die there");
        }
        finally
        {
            if (receiver is { HasExited: false })
            {
                receiver.Kill();
                receiver.WaitForExit(5000);
            }

            receiver?.Dispose();
            IpCommand.Run("netns", "del", farNs);
            IpCommand.Run("netns", "del", routerNs);
            IpCommand.Run("link", "del", hostIf);
        }
    }

    [Fact]
    public void A_ttl_outside_1_to_255_is_a_bug()
    {
        using var transport = new UdpTransport(0);
        var loopback = new IPEndPoint(IPAddress.Loopback, 9);
        Assert.Throws<ArgumentOutOfRangeException>(() => transport.SendWithTtl("x"u8, loopback, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => transport.SendWithTtl("x"u8, loopback, 256));
        Assert.Equal(0, transport.DatagramsSent + transport.SendErrors);
    }

    [Fact]
    public void Sends_with_a_ttl_over_loopback_in_both_families_and_after_dispose_are_counted()
    {
        using var sender = new UdpTransport(0);
        using var receiver = new UdpTransport(0);
        var received = new BlockingCollection<(byte[] Data, IPEndPoint Source)>();
        receiver.StartReceiving((datagram, source) => received.Add((datagram.ToArray(), source)));

        sender.SendWithTtl("four"u8, new IPEndPoint(IPAddress.Loopback, receiver.LocalPort), 2);
        sender.SendWithTtl("six"u8, new IPEndPoint(IPAddress.IPv6Loopback, receiver.LocalPort), 2);
        Assert.True(received.TryTake(out var first, 5000, TestContext.Current.CancellationToken));
        Assert.True(received.TryTake(out var second, 5000, TestContext.Current.CancellationToken));
        Assert.Equal(["four", "six"], new[] { first, second }.Select(d => System.Text.Encoding.ASCII.GetString(d.Data)).Order());
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, sender.LocalPort), first.Data.Length == 4 ? first.Source : second.Source);
        Assert.Equal(2, sender.DatagramsSent);

        sender.Dispose();
        sender.SendWithTtl("late"u8, new IPEndPoint(IPAddress.Loopback, receiver.LocalPort), 2);
        Assert.Equal(1, sender.SendErrors);
    }

    [Fact]
    public void Sends_with_a_ttl_allocate_nothing_once_the_destination_is_known()
    {
        using var sender = new UdpTransport(0);
        using var receiver = new UdpTransport(0); // never started: the kernel drops what its buffer cannot hold
        var destinations = new[] { new IPEndPoint(IPAddress.Loopback, receiver.LocalPort), new IPEndPoint(IPAddress.IPv6Loopback, receiver.LocalPort) };
        var payload = new byte[20];
        for (var i = 0; i < 100; i++)
        {
            sender.SendWithTtl(payload, destinations[i % 2], 2 + (i % 2));
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            sender.SendWithTtl(payload, destinations[i % 2], 2 + (i % 2));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1100, sender.DatagramsSent + sender.SendErrors);
    }

    /// <summary>ICMP Time Exceeded messages the namespace has sent (/proc/net/snmp or snmp6 inside it).</summary>
    private static long TimeExceededSent(string ns, bool v6)
    {
        var (exit, output) = Run("ip", "netns", "exec", ns, "cat", v6 ? "/proc/net/snmp6" : "/proc/net/snmp");
        Assert.True(exit == 0, output);
        var lines = output.Split('\n');
        if (v6)
        {
            foreach (var line in lines)
            {
                var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length == 2 && fields[0] == "Icmp6OutTimeExcds")
                {
                    return long.Parse(fields[1], CultureInfo.InvariantCulture);
                }
            }
        }
        else
        {
            // "Icmp: InMsgs ... OutTimeExcds ..." followed by "Icmp: <values>".
            for (var i = 0; i + 1 < lines.Length; i++)
            {
                if (lines[i].StartsWith("Icmp: ", StringComparison.Ordinal) && lines[i + 1].StartsWith("Icmp: ", StringComparison.Ordinal))
                {
                    var names = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    var values = lines[i + 1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    var index = Array.IndexOf(names, "OutTimeExcds");
                    return long.Parse(values[index], CultureInfo.InvariantCulture);
                }
            }
        }

        throw new InvalidOperationException($"no Time Exceeded counter in {ns}:\n{output}");
    }

    private static string Next(BlockingCollection<string> lines, CancellationToken cancel) =>
        lines.TryTake(out var line, 5000, cancel) ? line : "(nothing arrived within 5 s)";

    private static Process Start(string[] arguments, BlockingCollection<string> lines) => TestCommands.Start("ip", arguments, lines);

    private static void Exec(params string[] arguments)
    {
        var (exit, output) = IpCommand.Run(arguments);
        Assert.True(exit == 0, $"ip {string.Join(' ', arguments)} failed ({exit}): {output}");
    }

    private static (int ExitCode, string Output) Run(params string[] argv) => IpCommand.Run(argv[1..]);

    private static void Step(string text) => TestContext.Current.TestOutputHelper?.WriteLine(text);
}
