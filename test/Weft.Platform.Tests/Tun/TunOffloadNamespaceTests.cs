using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Weft.Tests;
using Xunit;
using static Weft.Tests.TestCommands;

namespace Weft.Platform.Tests.Tun;

/// <summary>
/// Real TCP and UDP between two namespaces whose only link is a pair of TUN devices in offload mode and two relay
/// threads (<see cref="TunPair"/>): the kernel hands the relay TSO super-packets, the relay segments them, and the
/// other device takes them back coalesced. The bytes must arrive intact (SHA-256), and the counters must show that
/// super-packets were read and coalesced writes happened. Plain mode (refused or not requested) must carry the same.
/// </summary>
public sealed class TunOffloadNamespaceTests
{
    private const int Port = 5301;
    private const int Bytes = 24 << 20;

    // Receives one TCP connection, prints "<bytes> <sha256>" when the sender closes.
    private const string TcpReceiver = """
        import hashlib, socket, sys
        addr, port = sys.argv[1], int(sys.argv[2])
        s = socket.socket(socket.AF_INET6 if ':' in addr else socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, port)); s.listen(1); s.settimeout(30)
        print('listening', flush=True)
        c, _ = s.accept(); c.settimeout(30)
        h, n = hashlib.sha256(), 0
        while True:
            d = c.recv(1 << 20)
            if not d: break
            h.update(d); n += len(d)
        print('received', n, h.hexdigest(), flush=True)
        c.close()
        """;

    // Sends N deterministic bytes, prints "<bytes> <sha256>" of what it sent.
    private const string TcpSender = """
        import hashlib, random, socket, sys
        addr, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
        data = random.Random(n).randbytes(n)
        c = socket.create_connection((addr, port), timeout=30)
        c.sendall(data); c.shutdown(socket.SHUT_WR); c.recv(1)
        print('sent', n, hashlib.sha256(data).hexdigest(), flush=True)
        """;

    // Echoes every UDP datagram back to its sender; exits after 20 s of silence.
    private const string UdpEcho = """
        import socket, sys
        addr, port = sys.argv[1], int(sys.argv[2])
        s = socket.socket(socket.AF_INET6 if ':' in addr else socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((addr, port)); s.settimeout(20)
        print('listening', flush=True)
        while True:
            d, peer = s.recvfrom(65535)
            s.sendto(d, peer)
        """;

    // 100 echo round trips of sizes 1..1372, then (if asked) one UDP_SEGMENT send of 8 x 1000 bytes, expecting 8 echoes.
    private const string UdpClient = """
        import random, socket, sys
        addr, port, gso = sys.argv[1], int(sys.argv[2]), sys.argv[3] == 'gso'
        s = socket.socket(socket.AF_INET6 if ':' in addr else socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(3); s.connect((addr, port))
        r = random.Random(7)
        for i in range(100):
            d = r.randbytes(1 + (i * 97) % 1372)
            s.send(d)
            assert s.recv(65535) == d, 'echo %d differs' % i
        print('echoed 100', flush=True)
        if gso:
            s.setsockopt(17, 103, 1000)  # SOL_UDP, UDP_SEGMENT
            d = r.randbytes(8000)
            s.send(d)
            got = sorted(s.recv(65535) for _ in range(8))
            assert got == sorted(d[k:k + 1000] for k in range(0, 8000, 1000)), 'segmented echoes differ'
            print('gso echoed 8', flush=True)
        """;

    [Theory]
    [InlineData("ReadVirtioAndSegment")]
    [InlineData("ReadBatch")]
    [InlineData("Read")]
    public void Tcp_over_ipv4_and_ipv6_crosses_offload_tuns_intact_as_super_packets_segmented_and_coalesced(string relay)
    {
        var style = Enum.Parse<TunPair.RelayStyle>(relay);
        Requires.Root();
        Requires.Programs("ip", "python3");
        using var pair = new TunPair(offloadsA: true, offloadsB: true, style: style);
        Assert.True(pair.A.OffloadsEnabled, pair.A.OffloadStatus);
        Assert.True(pair.B.OffloadsEnabled, pair.B.OffloadStatus);

        foreach (var (from, to) in new[] { (pair.AddressA4, pair.AddressB4), (pair.AddressA6, pair.AddressB6) })
        {
            long superBefore = pair.A.SuperPacketsRead, coalescedBefore = pair.B.CoalescedWrites;
            TransferTcp(pair, to);
            long super = pair.A.SuperPacketsRead - superBefore, coalesced = pair.B.CoalescedWrites - coalescedBefore;
            Step($"{from} -> {to}: A read {super} super-packets ({pair.A.SegmentsProduced} segments so far); B made {coalesced} coalesced writes ({pair.B.PacketsCoalesced} packets so far), {pair.B.WriteErrors} write errors");
            Assert.True(super > 0, "no super-packet was read from A: TSO did not reach the TUN");
            if (style != TunPair.RelayStyle.Read)
            {
                // Read hands out one packet per call, so each batch scope holds one packet: nothing to coalesce.
                Assert.True(coalesced > 0, "no coalesced write into B");
            }
        }

        Assert.Equal(0, pair.MalformedAToB);
        Assert.Equal(0, pair.A.MalformedFrames + pair.B.MalformedFrames);
        Assert.Equal(0, pair.B.WriteErrors);
        Assert.Null(pair.RelayError);
        if (style != TunPair.RelayStyle.ReadVirtioAndSegment)
        {
            Assert.True(pair.A.SegmentsProduced > pair.A.SuperPacketsRead, "the device segmented nothing itself");
        }

        Step($"the A -> B relay allocated {pair.AllocatedAfterWarmup} bytes in its least-allocating window of 64 reads after the warm-up");
        Assert.Equal(0, pair.AllocatedAfterWarmup);
    }

    [Theory]
    [InlineData("4")]
    [InlineData("6")]
    public void Udp_datagrams_and_a_udp_gso_burst_cross_offload_tuns_intact(string version)
    {
        Requires.Root();
        Requires.Programs("ip", "python3");
        using var pair = new TunPair(offloadsA: true, offloadsB: true);
        string to = version == "4" ? pair.AddressB4 : pair.AddressB6;
        bool uso = pair.A.UdpSegmentationOffload;
        Step($"USO on A: {uso}");
        long superBefore = pair.A.SuperPacketsRead;

        var lines = new BlockingCollection<string>();
        using var echo = Start("ip", ["netns", "exec", pair.NamespaceB, Requires.FindOnPath("python3")!, "-c", UdpEcho, to, Port.ToString(CultureInfo.InvariantCulture)], lines);
        try
        {
            WaitForLine(lines, "listening", TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
            var (code, output) = Run("ip", "netns", "exec", pair.NamespaceA, Requires.FindOnPath("python3")!, "-c", UdpClient, to,
                Port.ToString(CultureInfo.InvariantCulture), "gso");
            Step($"client: exit {code}: {output.Trim()}");
            Assert.True(code == 0, output);
            Assert.Contains("echoed 100", output, StringComparison.Ordinal);
            Assert.Contains("gso echoed 8", output, StringComparison.Ordinal);
            if (uso)
            {
                // The 100 echoes are single datagrams; only the UDP_SEGMENT send can be a super-packet.
                Assert.True(pair.A.SuperPacketsRead - superBefore >= 1, "the UDP_SEGMENT send did not come out of A as a USO super-packet");
            }

            Assert.Equal(0, pair.MalformedAToB);
            Assert.Null(pair.RelayError);
        }
        finally
        {
            Stop(echo);
        }
    }

    [Fact]
    public void Offloads_refused_by_the_kernel_leave_a_plain_device_that_still_carries_tcp()
    {
        Requires.Root();
        Requires.Programs("ip", "python3");
        // Bit 0x8000 is no TUNSETOFFLOAD flag: the kernel answers EINVAL (with and without USO), so A falls back.
        using var pair = new TunPair(offloadsA: true, offloadsB: false, forcedFlagsA: 0x8000 | 0x07);
        Step($"A: {pair.A.OffloadStatus}");
        Assert.False(pair.A.OffloadsEnabled);
        Assert.Contains("refused", pair.A.OffloadStatus, StringComparison.Ordinal);
        Assert.False(pair.B.OffloadsEnabled);

        TransferTcp(pair, pair.AddressB4);
        TransferTcp(pair, pair.AddressB6);
        Assert.Equal(0, pair.A.SuperPacketsRead);
        Assert.Equal(0, pair.B.CoalescedWrites);
        Assert.True(pair.B.PacketsWritten > Bytes / 1500);
        Assert.Null(pair.RelayError);
    }

    /// <summary>Sends <see cref="Bytes"/> bytes from namespace A to <paramref name="to"/> in namespace B; asserts the hashes match.</summary>
    private static void TransferTcp(TunPair pair, string to)
    {
        var lines = new BlockingCollection<string>();
        using var receiver = Start("ip", ["netns", "exec", pair.NamespaceB, Requires.FindOnPath("python3")!, "-c", TcpReceiver, to, Port.ToString(CultureInfo.InvariantCulture)], lines);
        try
        {
            var cancel = TestContext.Current.CancellationToken;
            WaitForLine(lines, "listening", TimeSpan.FromSeconds(15), cancel);
            var clock = Stopwatch.StartNew();
            var (code, output) = Run("ip", "netns", "exec", pair.NamespaceA, Requires.FindOnPath("python3")!, "-c", TcpSender, to,
                Port.ToString(CultureInfo.InvariantCulture), Bytes.ToString(CultureInfo.InvariantCulture));
            Assert.True(code == 0, $"sender failed ({code}): {output}");
            string received = WaitForLine(lines, "received", TimeSpan.FromSeconds(15), cancel);
            string sent = output.Trim().Split('\n')[^1];
            Step($"TCP to {to}: {sent} / {received} in {clock.ElapsedMilliseconds} ms");
            Assert.Equal(sent.Replace("sent", "received", StringComparison.Ordinal), received);
        }
        finally
        {
            Stop(receiver);
        }
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
    }
}
