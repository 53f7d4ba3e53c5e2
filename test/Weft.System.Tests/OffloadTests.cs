using System.Globalization;
using Weft.SystemTests.Lab;
using Weft.Tests;
using Xunit;

namespace Weft.SystemTests;

/// <summary>
/// The batched data path end to end, through real daemons: TUN offloads (TSO super-packets cut to the MTU, GRO
/// coalescing on the way back in) and UDP GSO/GRO on one member, the plain path (<c>"offloads": false</c>) on the
/// other. Bulk TCP over IPv4 and IPv6 in both directions must arrive byte for byte (SHA-256 of 24 MB), and a UDP flow of
/// every datagram size up to the MTU must arrive intact — what a wrong checksum, sequence number or length in a
/// segment or a coalesced packet would break.
/// </summary>
public sealed class OffloadTests
{
    private const int TcpBytes = 24 * 1024 * 1024;

    /// <summary>Receives one TCP connection on [address]:port, prints "bytes sha256".</summary>
    private const string TcpSink = """
        import hashlib, socket, sys
        family = socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET
        server = socket.socket(family, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((sys.argv[1], int(sys.argv[2])))
        server.listen(1)
        server.settimeout(60)
        print("listening", flush=True)
        connection, _ = server.accept()
        connection.settimeout(60)
        digest, total = hashlib.sha256(), 0
        while True:
            chunk = connection.recv(1 << 20)
            if not chunk:
                break
            digest.update(chunk)
            total += len(chunk)
        print(total, digest.hexdigest(), flush=True)
        """;

    /// <summary>Sends argv[3] seeded pseudo-random bytes to [address]:port, prints "bytes sha256".</summary>
    private const string TcpSource = """
        import hashlib, random, socket, sys
        family = socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET
        data = random.Random(int(sys.argv[4])).randbytes(int(sys.argv[3]))
        client = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=60)
        client.sendall(data)
        client.shutdown(socket.SHUT_WR)
        client.recv(1)
        client.close()
        print(len(data), hashlib.sha256(data).hexdigest(), flush=True)
        """;

    /// <summary>
    /// UDP echo check: sends one datagram of each size 1..argv[3] (content derived from the size) to an echo server,
    /// one at a time with a short wait, and prints "sent received corrupt".
    /// </summary>
    private const string UdpProbe = """
        import socket, sys
        family = socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_DGRAM)
        sock.settimeout(0.5)
        sent = received = corrupt = 0
        for size in range(1, int(sys.argv[3]) + 1, 7):
            payload = bytes((size * 31 + i) & 0xff for i in range(size))
            sock.sendto(payload, (sys.argv[1], int(sys.argv[2])))
            sent += 1
            try:
                echo, _ = sock.recvfrom(65535)
                received += 1
                corrupt += echo != payload
            except socket.timeout:
                pass
        print(sent, received, corrupt, flush=True)
        """;

    /// <summary>Echoes UDP datagrams on [address]:port for argv[3] seconds.</summary>
    private const string UdpEcho = """
        import socket, sys, time
        family = socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_DGRAM)
        sock.bind((sys.argv[1], int(sys.argv[2])))
        sock.settimeout(1)
        print("listening", flush=True)
        end = time.time() + float(sys.argv[3])
        while time.time() < end:
            try:
                data, source = sock.recvfrom(65535)
                sock.sendto(data, source)
            except socket.timeout:
                pass
        """;

    [Fact]
    public async Task Bulk_tcp_and_every_udp_size_cross_intact_between_an_offload_member_and_a_plain_one()
    {
        Requires.Root();
        Requires.Programs("ip", "ping", "python3");
        await using var lab = new NetworkLab();
        lab.Log("A runs with offloads (the default), B with \"offloads\": false; both log what they use.");
        var nsA = await lab.CreateNamespaceAsync("A");
        var nsB = await lab.CreateNamespaceAsync("B");
        var link = await lab.ConnectAsync(nsA, nsB);
        var a = await WeftScenario.InitMeshAsync(lab, nsA, "A");
        await a.WriteConfigAsync("""{ "offloads": true }""");
        var daemonA = await a.UpAsync();
        var b = await WeftScenario.JoinAsync(lab, nsB, "B", a, "laptop");
        await b.WriteConfigAsync("""{ "offloads": false }""");
        var daemonB = await b.UpAsync("--peer", WeftScenario.Endpoint(link.Ipv4A));
        await a.WaitForConnectedPeerAsync(WeftScenario.ConnectTimeout);
        await b.WaitForConnectedPeerAsync(WeftScenario.ConnectTimeout);
        var statusA = await a.StatusAsync();
        var statusB = await b.StatusAsync();

        Assert.True(await daemonA.WaitForLineAsync(l => l.Contains("offloads: TUN", StringComparison.Ordinal), TimeSpan.FromSeconds(5)), daemonA.Output);
        var offloadLineA = daemonA.Lines.First(l => l.Contains("offloads: TUN", StringComparison.Ordinal));
        Assert.Contains("tso4", offloadLineA, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("GSO on, GRO on", offloadLineA, StringComparison.Ordinal);
        var offloadLineB = daemonB.Lines.First(l => l.Contains("offloads: TUN", StringComparison.Ordinal));
        Assert.Contains("GSO off, GRO off", offloadLineB, StringComparison.Ordinal);

        foreach (var (label, addressA, addressB) in new[]
                 {
                     ("IPv4", statusA.Ipv4Address!, statusB.Ipv4Address!),
                     ("IPv6", statusA.Ipv6Address!, statusB.Ipv6Address!),
                 })
        {
            await WeftScenario.MustPingAsync(lab, nsB, addressA);
            lab.Log($"{label}: 24 MB of TCP B -> A (B segments nothing; A's TUN coalesces), then A -> B (A's kernel hands TSO super-packets to weft)");
            await TransferAsync(lab, sinkNs: nsA, sourceNs: nsB, sinkAddress: addressA, port: 5301, seed: 1);
            await TransferAsync(lab, sinkNs: nsB, sourceNs: nsA, sinkAddress: addressB, port: 5302, seed: 2);

            lab.Log($"{label}: UDP datagrams of 1..1392 bytes (every 7th size) from A echoed by B");
            await UdpRoundTripAsync(lab, echoNs: nsB, probeNs: nsA, echoAddress: addressB, port: 5303);
        }

        lab.Log("The batching was real on A (super-packets cut, coalesced writes, GSO sends, GRO receives) and absent on B.");
        var countersA = (await a.StatusAsync()).Counters;
        var countersB = (await b.StatusAsync()).Counters;
        foreach (var name in new[] { "tunSuperPacketsRead", "tunSegmentsProduced", "tunCoalescedWrites", "tunPacketsCoalesced", "udpGsoSends" })
        {
            Assert.True(countersA["dataPath." + name] > 0, $"A: dataPath.{name} is 0:\n{string.Join('\n', countersA)}");
            Assert.Equal(0, countersB["dataPath." + name]);
        }

        Assert.Equal(0, countersA["dataPath.tunMalformedFrames"] + countersA["dataPath.tunWriteErrors"]);
        Assert.Equal(0, countersB["dataPath.tunMalformedFrames"] + countersB["dataPath.tunWriteErrors"]);
        Assert.Equal(0, countersB["dataPath.udpGroDatagramsReceived"]);

        // Pings' replies and TCP ACKs are queued by the kernel while the receive thread writes the packet they answer:
        // that thread sends them itself (TunReader.TrySendReady), on both kinds of member.
        Assert.True(countersA["dataPath.tunBatchesSentByReceiveThread"] > 0, "A's receive thread never sent what the TUN had ready");
        Assert.True(countersB["dataPath.tunBatchesSentByReceiveThread"] > 0, "B's receive thread never sent what the TUN had ready");
        lab.Log(string.Join(", ", countersA.Where(c => c.Key.StartsWith("dataPath.", StringComparison.Ordinal)).Select(c => $"{c.Key[9..]}={c.Value}")));
    }

    private static async Task TransferAsync(NetworkLab lab, string sinkNs, string sourceNs, string sinkAddress, int port, int seed)
    {
        var portText = port.ToString(CultureInfo.InvariantCulture);
        await using var sink = lab.StartProcess(sinkNs, "tcp sink", ["python3", "-c", TcpSink, sinkAddress, portText]);
        Assert.True(await sink.WaitForLineAsync(l => l == "listening", TimeSpan.FromSeconds(10)), sink.Output);
        var source = await lab.MustRunAsync(new ExecRequest(sourceNs,
            ["python3", "-c", TcpSource, sinkAddress, portText, TcpBytes.ToString(CultureInfo.InvariantCulture), seed.ToString(CultureInfo.InvariantCulture)])
        { Timeout = TimeSpan.FromSeconds(90) });
        var sent = source.Stdout.Trim();
        Assert.True(await sink.WaitForLineAsync(l => l.Contains(' ', StringComparison.Ordinal), TimeSpan.FromSeconds(30)), sink.Output);
        var received = sink.Lines.Last(l => l.Contains(' ', StringComparison.Ordinal)).Trim();
        Assert.Equal(sent, received);
        Assert.StartsWith(TcpBytes.ToString(CultureInfo.InvariantCulture) + " ", received, StringComparison.Ordinal);
    }

    private static async Task UdpRoundTripAsync(NetworkLab lab, string echoNs, string probeNs, string echoAddress, int port)
    {
        var portText = port.ToString(CultureInfo.InvariantCulture);
        await using var echo = lab.StartProcess(echoNs, "udp echo", ["python3", "-c", UdpEcho, echoAddress, portText, "60"]);
        Assert.True(await echo.WaitForLineAsync(l => l == "listening", TimeSpan.FromSeconds(10)), echo.Output);
        var result = await lab.MustRunAsync(new ExecRequest(probeNs, ["python3", "-c", UdpProbe, echoAddress, portText, "1392"]) { Timeout = TimeSpan.FromSeconds(90) });
        var fields = result.Stdout.Trim().Split(' ').Select(f => int.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        lab.Log($"UDP: sent {fields[0]}, echoed back {fields[1]}, corrupt {fields[2]}");
        Assert.Equal(0, fields[2]);
        Assert.True(fields[1] >= fields[0] * 95 / 100, $"only {fields[1]} of {fields[0]} datagrams came back");
    }
}
