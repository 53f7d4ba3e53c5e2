using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Weft.Core.Offload;
using Weft.Tests;
using Xunit;

namespace Weft.Platform.Tests;

/// <summary>
/// A real TUN device configured through our own rtnetlink code. The kernel answers pings sent
/// to the device's own addresses back into the device, so the traffic never leaves it.
/// </summary>
public sealed class LinuxTunDeviceTests
{
    private delegate bool PacketMatch(ReadOnlySpan<byte> packet);

    [Fact]
    public void Configured_device_has_its_addresses_and_mtu_and_the_kernel_answers_pings_into_it()
    {
        Requires.Root();
        Requires.Programs("ip");
        var (device, name, local4, peer4, local6, peer6) = CreateConfigured(1400, offloads: false);
        using var owned = device;
        Assert.Equal(name, device.Name);
        Assert.True(device.InterfaceIndex > 0);

        Log("ip -j addr show: the kernel agrees");
        var link = IpCommand.Json("addr", "show", "dev", name)[0];
        Assert.Equal(name, link.GetProperty("ifname").GetString());
        Assert.Equal(device.InterfaceIndex, link.GetProperty("ifindex").GetInt32());
        Assert.Equal(1400, link.GetProperty("mtu").GetInt32());
        Assert.Contains("UP", link.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        var addresses = link.GetProperty("addr_info").EnumerateArray()
            .Select(a => (Family: a.GetProperty("family").GetString(), Local: a.GetProperty("local").GetString(), Prefix: a.GetProperty("prefixlen").GetInt32()))
            .ToList();
        Assert.Contains(("inet", local4.ToString(), 30), addresses);
        Assert.Contains(("inet6", local6.ToString(), 64), addresses);

        Log($"ICMP echo {peer4} -> {local4} and ICMPv6 echo {peer6} -> {local6} written into the device; the replies come out of it");
        AssertAnswersPings(device, local4, peer4, local6, peer6, id: 0x4711);

        Log("dispose: the kernel removes the device");
        device.Dispose();
        var (exit, output) = IpCommand.Run("link", "show", name);
        Assert.NotEqual(0, exit);
        Log($"ip link show {name}: exit {exit}: {output.Trim()}");
    }

    [Fact]
    public void Offload_mode_device_answers_pings_through_zero_header_writes_and_plain_reads()
    {
        Requires.Root();
        Requires.Programs("ip");
        var (device, name, local4, peer4, local6, peer6) = CreateConfigured(1420, offloads: true);
        using var owned = device;
        Log(device.OffloadStatus);
        Assert.True(device.OffloadsEnabled, device.OffloadStatus);
        Assert.Contains("TSO4", device.OffloadStatus, StringComparison.Ordinal);

        Log("ip -d link: the kernel sees the TUN with a virtio-net header");
        var (_, details) = IpCommand.Run("-d", "link", "show", name);
        Assert.Contains("vnet_hdr", details, StringComparison.Ordinal);

        AssertAnswersPings(device, local4, peer4, local6, peer6, id: 0x5711);
    }

    [Fact]
    public void Writes_in_a_batch_scope_wait_for_EndBatch_while_other_threads_write_at_once()
    {
        Requires.Root();
        Requires.Programs("ip");
        var (device, _, local4, peer4, _, _) = CreateConfigured(1420, offloads: true);
        using var owned = device;
        Assert.True(device.OffloadsEnabled, device.OffloadStatus);

        Log("begin a batch scope on this thread and write three echo requests: nothing reaches the kernel yet");
        device.BeginBatch();
        for (ushort i = 1; i <= 3; i++)
        {
            device.Write(IcmpEcho.Ipv4Request(peer4, local4, id: 0x6000, sequence: i));
        }

        Assert.Equal(0, device.PacketsWritten);

        Log("another thread writes meanwhile: its packet goes out at once");
        var other = new Thread(() => device.Write(IcmpEcho.Ipv4Request(peer4, local4, id: 0x6001, sequence: 9)));
        other.Start();
        other.Join();
        Assert.Equal(1, device.PacketsWritten);
        Assert.True(ReadUntil(device, p => IcmpEcho.IsIpv4Reply(p, local4, peer4, 0x6001, 9), TimeSpan.FromSeconds(5)),
            "the other thread's request got no reply");

        Log("a second device cannot join this thread's scope");
        var (name2, _, _) = UniqueDevice();
        using (var second = LinuxTunDevice.Create(name2, 1420, offloads: true))
        {
            Assert.Throws<InvalidOperationException>(second.BeginBatch);
        }

        Log("EndBatch writes the three (ICMP does not coalesce: three plain frames)");
        device.EndBatch();
        Assert.Equal(4, device.PacketsWritten);
        Assert.Equal(0, device.CoalescedWrites);
        Assert.True(ReadUntil(device, p => IcmpEcho.IsIpv4Reply(p, local4, peer4, 0x6000, 3), TimeSpan.FromSeconds(5)),
            "no reply to the batched requests");

        Log("after the scope, writes go out at once again");
        device.Write(IcmpEcho.Ipv4Request(peer4, local4, id: 0x6002, sequence: 1));
        Assert.Equal(5, device.PacketsWritten);
    }

    [Fact]
    public void Plain_mode_batch_scope_does_nothing_and_ReadVirtio_puts_a_zero_header_in_front()
    {
        Requires.Root();
        Requires.Programs("ip");
        var (device, _, local4, peer4, _, _) = CreateConfigured(1420, offloads: false);
        using var owned = device;
        Assert.False(device.OffloadsEnabled);

        device.BeginBatch();
        device.Write(IcmpEcho.Ipv4Request(peer4, local4, id: 0x7000, sequence: 1));
        Assert.Equal(1, device.PacketsWritten); // no scope in plain mode: written at once
        device.EndBatch();

        var frame = new byte[LinuxTunDevice.VirtioReadSize];
        int replyLength = 0;
        var reader = new Thread(() =>
        {
            int n;
            while ((n = device.ReadVirtio(frame)) > 0)
            {
                if (IcmpEcho.IsIpv4Reply(frame.AsSpan(VirtioNetHeader.Size, n - VirtioNetHeader.Size), local4, peer4, 0x7000, 1))
                {
                    replyLength = n;
                    return;
                }
            }
        });
        reader.Start();
        if (!reader.Join(TimeSpan.FromSeconds(5)))
        {
            device.Dispose(); // wakes the reader
            reader.Join();
        }

        Assert.True(replyLength > VirtioNetHeader.Size, "no reply came out through ReadVirtio");
        Assert.All(frame[..VirtioNetHeader.Size], b => Assert.Equal(0, b));
    }

    [Fact]
    public void Read_returns_zero_promptly_when_the_device_is_disposed_from_another_thread()
    {
        Requires.Root();
        Requires.Programs("ip");
        var (name, _, _) = UniqueDevice();
        var device = LinuxTunDevice.Create(name, 1420);
        Netlink.SetLinkUp(device.InterfaceIndex);

        int lastRead = -1;
        var reader = new Thread(() =>
        {
            var buffer = new byte[2000];
            int n;
            while ((n = device.Read(buffer)) > 0)
            {
            }

            lastRead = n;
        });
        reader.Start();
        Thread.Sleep(200); // let the reader block in poll (nothing to await: it is blocked by design)

        var clock = Stopwatch.StartNew();
        device.Dispose();
        Assert.True(reader.Join(TimeSpan.FromSeconds(2)), "Read did not return after Dispose");
        Log($"Read returned {lastRead} {clock.ElapsedMilliseconds} ms after Dispose");
        Assert.Equal(0, lastRead);
        Assert.Equal(0, device.Read(new byte[100]));
        Assert.NotEqual(0, IpCommand.Run("link", "show", name).ExitCode);
    }

    [Fact]
    public void A_name_pattern_lets_the_kernel_choose_the_number()
    {
        Requires.Root();
        using var device = LinuxTunDevice.Create("wtp%d", 1280);
        Log($"wtp%d became {device.Name} (index {device.InterfaceIndex})");
        Assert.Matches("^wtp[0-9]+$", device.Name);
        Assert.Equal(device.InterfaceIndex, Netlink.GetInterfaceIndex(device.Name));
        Assert.Equal(device.Name, Netlink.GetInterfaceName(device.InterfaceIndex));
    }

    [Fact]
    public void A_packet_the_kernel_refuses_is_counted_not_thrown()
    {
        Requires.Root();
        var (name, _, _) = UniqueDevice();
        using var device = LinuxTunDevice.Create(name, 1420);
        Netlink.SetLinkUp(device.InterfaceIndex);
        device.Write([0x00, 0x01, 0x02, 0x03]); // version nibble 0: neither IPv4 nor IPv6
        device.Write([]);
        Assert.Equal(2, device.WriteErrors);
        Assert.Equal(0, device.PacketsWritten);
        device.Dispose();
        device.Write(IcmpEcho.Ipv4Request(IPAddress.Loopback, IPAddress.Loopback, 1, 1));
        Assert.Equal(3, device.WriteErrors);
    }

    [Fact]
    public void Invalid_names_are_refused_with_a_clear_message()
    {
        var tooLong = Assert.Throws<ArgumentException>(() => LinuxTunDevice.Create("a-name-far-too-long", 1420));
        Assert.Contains("longer than 15", tooLong.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => LinuxTunDevice.Create("bad/name", 1420));
        Assert.Throws<ArgumentException>(() => LinuxTunDevice.Create("", 1420));
    }

    [Fact]
    public void Creating_a_device_whose_name_belongs_to_a_non_tun_interface_fails_clearly()
    {
        Requires.Root();
        var error = Assert.Throws<IOException>(() => LinuxTunDevice.Create("lo", 1420));
        Log(error.Message);
        Assert.Contains("cannot create TUN device 'lo'", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A new TUN device with a unique name, 198.18.X.1/30 and ULA::1/64 on it, up. The peers (.2, ::2) are the far
    /// ends the tests pretend to be.
    /// </summary>
    private static (LinuxTunDevice Device, string Name, IPAddress Local4, IPAddress Peer4, IPAddress Local6, IPAddress Peer6) CreateConfigured(int mtu, bool offloads)
    {
        var (name, x, ula) = UniqueDevice();
        var (local4, peer4) = (IPAddress.Parse($"198.18.{x}.1"), IPAddress.Parse($"198.18.{x}.2"));
        var (local6, peer6) = (IPAddress.Parse($"{ula}::1"), IPAddress.Parse($"{ula}::2"));
        Log($"create {name} (MTU {mtu}, offloads {(offloads ? "asked" : "off")}), give it {local4}/30 and {local6}/64, bring it up");
        var device = LinuxTunDevice.Create(name, mtu, offloads);
        try
        {
            Netlink.AddAddress(device.InterfaceIndex, local4, 30);
            Netlink.AddAddress(device.InterfaceIndex, local6, 64);
            Netlink.SetLinkUp(device.InterfaceIndex);
            return (device, name, local4, peer4, local6, peer6);
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    /// <summary>An ICMP and an ICMPv6 echo request written into the device each get their reply out of it.</summary>
    private static void AssertAnswersPings(LinuxTunDevice device, IPAddress local4, IPAddress peer4, IPAddress local6, IPAddress peer6, ushort id)
    {
        Assert.True(PingUntil(device, IcmpEcho.Ipv4Request(peer4, local4, id, sequence: 1), p => IcmpEcho.IsIpv4Reply(p, local4, peer4, id, 1), TimeSpan.FromSeconds(5)),
            $"no ICMP echo reply came out of {device.Name}");
        Assert.True(PingUntil(device, IcmpEcho.Ipv6Request(peer6, local6, (ushort)(id + 1), sequence: 2), p => IcmpEcho.IsIpv6Reply(p, local6, peer6, (ushort)(id + 1), 2), TimeSpan.FromSeconds(5)),
            $"no ICMPv6 echo reply came out of {device.Name}");
        Assert.True(device.PacketsWritten >= 2);
        Assert.Equal(0, device.WriteErrors);
    }

    internal static (string Name, int X, string Ula) UniqueDevice()
    {
        int x = Random.Shared.Next(1, 255);
        string name = $"wt{Random.Shared.Next(100000, 999999)}";
        string ula = $"fd{Random.Shared.Next(0, 256):x2}:{Random.Shared.Next(0, 65536):x}:{Random.Shared.Next(0, 65536):x}:{x:x}";
        return (name, x, ula);
    }

    internal static void Log(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    /// <summary>
    /// Writes <paramref name="request"/> every 500 ms until a packet matching <paramref name="match"/> comes out; false
    /// if none did within <paramref name="timeout"/>. The kernel sometimes drops the first ICMPv6 request written right
    /// after the link comes up (seen under load, in plain and offload mode alike), so one write is not enough.
    /// </summary>
    private static bool PingUntil(LinuxTunDevice device, byte[] request, PacketMatch match, TimeSpan timeout)
    {
        using var answered = new ManualResetEventSlim();
        var sender = new Thread(() =>
        {
            do
            {
                device.Write(request);
            }
            while (!answered.Wait(500));
        });
        sender.Start();
        try
        {
            return ReadUntil(device, match, timeout);
        }
        finally
        {
            answered.Set();
            sender.Join();
        }
    }

    /// <summary>Reads packets until one matches; false if none did within <paramref name="timeout"/>.</summary>
    private static bool ReadUntil(LinuxTunDevice device, PacketMatch match, TimeSpan timeout)
    {
        using var done = new CancellationTokenSource();
        var reading = Task.Run(() =>
        {
            var buffer = new byte[2048];
            while (!done.IsCancellationRequested)
            {
                int n = device.Read(buffer);
                if (n == 0)
                {
                    return false;
                }

                if (match(buffer.AsSpan(0, n)))
                {
                    return true;
                }

                Log($"  (skipped a {n}-byte packet, version {buffer[0] >> 4})");
            }

            return false;
        });
        if (reading.Wait(timeout))
        {
            return reading.Result;
        }

        done.Cancel();
        device.Dispose(); // unblocks the reader
        reading.Wait();
        return false;
    }
}
