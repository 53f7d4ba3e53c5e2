using System.Diagnostics;
using System.Net;
using Weft.Tests;
using Xunit;
using static Weft.Tests.TestCommands;

namespace Weft.Platform.Tests.Udp;

/// <summary>
/// Batching over a real veth pair (MTU 1500) into a namespace this test builds and removes:
/// <code>
///  root ns: sender UdpTransport            namespace: receiver UdpTransport (GRO on), created there via setns
///  10.A.B.1 / fd57:A:B::1 ──── veth ──── 10.A.B.2 / fd57:A:B::2
/// </code>
/// GSO runs of 1420-byte datagrams cross the veth as one super-packet each and reach the receiver coalesced (GRO);
/// a run of 9000-byte datagrams is bigger than the link's MTU, so the kernel refuses it as GSO (EINVAL) and those
/// go out one by one (IP-fragmented) while GSO stays on for the rest.
/// </summary>
public sealed class UdpTransportVethTests
{
    private const int WarmUpLength = 7;

    [Theory]
    [InlineData("ipv4")]
    [InlineData("ipv6")]
    public void Gso_runs_cross_a_veth_to_a_gro_receiver_and_runs_over_the_mtu_fall_back(string family)
    {
        Requires.Root();
        Requires.Programs("ip");
        var tag = TestNames.Tag();
        int a = 150 + Random.Shared.Next(50), b = Random.Shared.Next(250);
        string ns = $"wug{tag}", hostIf = $"wuh{tag}", farIf = $"wuf{tag}";
        bool v4 = family == "ipv4";
        var hostAddress = IPAddress.Parse(v4 ? $"10.{a}.{b}.1" : $"fd57:{a}:{b}::1");
        var farAddress = IPAddress.Parse(v4 ? $"10.{a}.{b}.2" : $"fd57:{a}:{b}::2");
        UdpTransport? receiver = null;
        try
        {
            Step($"root {hostIf} {hostAddress} ── veth ── {farIf} {farAddress} in {ns}");
            Exec("ip", "netns", "add", ns);
            Exec("ip", "-n", ns, "link", "set", "lo", "up");
            Exec("ip", "link", "add", hostIf, "type", "veth", "peer", "name", farIf, "netns", ns);
            string[] noDad = v4 ? [] : ["nodad"]; // IPv6: usable at once, no duplicate address detection
            Exec(["ip", "addr", "add", $"{hostAddress}/{(v4 ? 24 : 64)}", "dev", hostIf, .. noDad]);
            Exec(["ip", "-n", ns, "addr", "add", $"{farAddress}/{(v4 ? 24 : 64)}", "dev", farIf, .. noDad]);
            Exec("ip", "link", "set", hostIf, "up");
            Exec("ip", "-n", ns, "link", "set", farIf, "up");

            using var sender = new UdpTransport(0);
            receiver = NetNamespace.Create(ns, () => new UdpTransport(0));
            var expectedSource = new IPEndPoint(hostAddress, sender.LocalPort);
            var destination = new IPEndPoint(farAddress, receiver.LocalPort);
            var expected = new List<int>(); // lengths of the numbered datagrams, in sending order (the receiver reads it under lock)
            long delivered = 0, warmUps = 0, wrong = 0;
            receiver.StartReceiving((datagram, source) =>
            {
                if (datagram.Length == WarmUpLength)
                {
                    Interlocked.Increment(ref warmUps);
                    return;
                }

                int index = (int)delivered;
                int length;
                lock (expected)
                {
                    length = index < expected.Count ? expected[index] : -1;
                }

                if (!UdpBatches.Matches(datagram, index, length) || !source.Equals(expectedSource))
                {
                    wrong++;
                }

                Volatile.Write(ref delivered, index + 1);
            });

            Step($"warm up (neighbour discovery) until the receiver :{receiver.LocalPort} hears us; GRO {receiver.GroEnabled}, GSO {sender.GsoEnabled}");
            var clock = Stopwatch.StartNew();
            while (Interlocked.Read(ref warmUps) == 0)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the receiver never heard the warm-up datagrams");
                sender.Send(new byte[WarmUpLength], destination);
                Thread.Sleep(20);
            }

            Step("10 batches of 63 × 1420 + 700 bytes");
            var lengths = Enumerable.Repeat(1420, 63).Append(700).ToList();
            var batch = UdpBatches.Build(lengths);
            for (int round = 0; round < 10; round++)
            {
                int first = Expect(expected, lengths);
                UdpBatches.Fill(batch, lengths, first);
                sender.SendBatch(batch, 0, lengths.Count, destination);
                WaitFor(() => Volatile.Read(ref delivered) == first + lengths.Count, clock, () => $"round {round}: {Volatile.Read(ref delivered)} of {first + lengths.Count}");
            }

            Step($"delivered {Volatile.Read(ref delivered)} in {receiver.ReceiveCalls} receive calls, {receiver.GroDatagramsReceived} through GRO; GSO sends {sender.GsoSends}");
            Assert.True(receiver.GroDatagramsReceived > 0, "nothing came through GRO over the veth");
            Assert.True(sender.GsoSends >= 20);

            Step("a batch with a run of 5 × 9000 bytes (over the MTU) between 1420-byte runs");
            var mixed = new List<int> { 1420, 1420, 1420, 9000, 9000, 9000, 9000, 9000, 1420, 1420, 100 };
            var mixedBatch = UdpBatches.Build(mixed);
            long gsoBefore = sender.GsoSends;
            int start = Expect(expected, mixed);
            UdpBatches.Fill(mixedBatch, mixed, start);
            sender.SendBatch(mixedBatch, 0, mixed.Count, destination);
            WaitFor(() => Volatile.Read(ref delivered) == start + mixed.Count, clock, () => $"{Volatile.Read(ref delivered)} of {start + mixed.Count}");
            Step($"refusals {sender.GsoRefusals}, GSO still {sender.GsoEnabled}, GSO sends +{sender.GsoSends - gsoBefore}, send errors {sender.SendErrors}");
            Assert.Equal(0, Volatile.Read(ref wrong));
            Assert.Equal(0, sender.SendErrors);
            Assert.Equal(1, sender.GsoRefusals);
            Assert.True(sender.GsoEnabled);
            Assert.Equal(2, sender.GsoSends - gsoBefore); // the 1420 runs before and after
        }
        finally
        {
            receiver?.Dispose();
            Run("ip", "netns", "del", ns);
            Run("ip", "link", "del", hostIf); // normally gone with the namespace's end of the pair
        }
    }

    private static int Expect(List<int> expected, List<int> lengths)
    {
        lock (expected)
        {
            int first = expected.Count;
            expected.AddRange(lengths);
            return first;
        }
    }

    private static void WaitFor(Func<bool> condition, Stopwatch clock, Func<string> progress)
    {
        var deadline = clock.Elapsed + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(clock.Elapsed < deadline, "timed out: " + progress());
            Thread.Sleep(1);
        }
    }
}
