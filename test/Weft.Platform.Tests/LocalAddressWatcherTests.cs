using System.Net;
using Weft.Tests;
using Xunit;

namespace Weft.Platform.Tests;

/// <summary>
/// The local address list NAT traversal offers as "local" candidates: what is filtered out, when the change
/// callback runs, the 5 s rescan timer, and a real veth appearing and disappearing.
/// </summary>
public sealed class LocalAddressWatcherTests
{
    private static readonly IPNetwork[] Overlay = [IPNetwork.Parse("10.213.0.0/16"), IPNetwork.Parse("fd12:3456:789a::/48")];

    [Fact]
    public void Keeps_usable_unicast_addresses_and_drops_the_tun_loopback_link_local_and_overlay_ones()
    {
        List<(string, IPAddress)> found =
        [
            ("eth0", IPAddress.Parse("192.168.1.20")),
            ("eth0", IPAddress.Parse("2001:db8::20")),
            ("eth0", IPAddress.Parse("fe80::1%2")),
            ("eth1", IPAddress.Parse("169.254.7.7")),
            ("eth1", IPAddress.Parse("198.18.3.2")),
            ("eth1", IPAddress.Parse("::ffff:198.18.3.2")), // the same address twice
            ("lo", IPAddress.Loopback),
            ("lo", IPAddress.IPv6Loopback),
            ("weft0", IPAddress.Parse("172.16.9.9")),     // the TUN: excluded by name whatever its address
            ("eth2", IPAddress.Parse("10.213.0.5")),      // inside the overlay range
            ("eth2", IPAddress.Parse("fd12:3456:789a::5")), // inside the overlay prefix
            ("eth2", IPAddress.Parse("ff02::1")),
            ("eth2", IPAddress.Parse("0.0.0.0")),
            ("eth2", IPAddress.Parse("10.0.0.1")),
        ];

        var selected = LocalAddressWatcher.Select(found, "weft0", Overlay);

        Assert.Equal(["10.0.0.1", "192.168.1.20", "198.18.3.2", "2001:db8::20"], selected.Select(a => a.ToString()));
    }

    [Fact]
    public void The_first_scan_is_quiet_and_later_changes_call_back_once_each()
    {
        var addresses = new List<(string, IPAddress)> { ("eth0", IPAddress.Parse("192.168.1.20")) };
        var changes = new List<string>();
        using var watcher = new LocalAddressWatcher("weft0", Overlay, set => changes.Add(string.Join(",", set)), () => [.. addresses]);
        Assert.Empty(watcher.Current);

        Assert.True(watcher.Refresh());
        Assert.Equal([IPAddress.Parse("192.168.1.20")], watcher.Current);
        Assert.Empty(changes);

        Assert.False(watcher.Refresh());
        Assert.Empty(changes);

        addresses.Add(("wlan0", IPAddress.Parse("2001:db8::7")));
        Assert.True(watcher.Refresh());
        Assert.Equal(["192.168.1.20,2001:db8::7"], changes);

        addresses.Clear();
        Assert.True(watcher.Refresh());
        Assert.Empty(watcher.Current);
        Assert.Equal(["192.168.1.20,2001:db8::7", ""], changes);
    }

    [Fact]
    public void The_timer_scans_at_once_and_then_every_5_seconds()
    {
        var time = new ManualTimeProvider();
        var addresses = new List<(string, IPAddress)> { ("eth0", IPAddress.Parse("192.168.1.20")) };
        var changes = 0;
        using var watcher = new LocalAddressWatcher(null, Overlay, _ => changes++, () => [.. addresses]);
        watcher.Start(time);
        time.Advance(TimeSpan.Zero);
        Assert.Equal(1, watcher.Refreshes);
        Assert.Single(watcher.Current);

        addresses[0] = ("eth0", IPAddress.Parse("192.168.1.21"));
        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Equal(1, watcher.Refreshes);
        Assert.Equal(0, changes);

        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(2, watcher.Refreshes);
        Assert.Equal([IPAddress.Parse("192.168.1.21")], watcher.Current);
        Assert.Equal(1, changes);

        watcher.Dispose();
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(2, watcher.Refreshes);
    }

    [Fact]
    public void A_real_interface_appears_in_the_list_and_leaves_it_when_deleted()
    {
        Requires.Root();
        Requires.Programs("ip");
        var tag = TestNames.Tag();
        string ns = $"wlaw{tag}", here = $"wlv{tag}", tun = $"wlt{tag}";
        var n = 200 + Random.Shared.Next(50);
        var changes = new List<IReadOnlyList<IPAddress>>();
        IpCommand.Run("netns", "add", ns);
        try
        {
            using var watcher = new LocalAddressWatcher(tun, Overlay, changes.Add);
            watcher.Refresh();
            var address = IPAddress.Parse($"10.{n}.7.1");
            var tunAddress = IPAddress.Parse($"10.{n}.8.1");
            Assert.DoesNotContain(address, watcher.Current);

            Exec("link", "add", here, "type", "veth", "peer", "name", here + "p", "netns", ns);
            Exec("link", "add", tun, "type", "veth", "peer", "name", tun + "p", "netns", ns);
            Exec("addr", "add", $"{address}/24", "dev", here);
            Exec("addr", "add", $"{tunAddress}/24", "dev", tun);
            Exec("addr", "add", $"fe80::{n}:1/64", "dev", here, "nodad");
            Exec("link", "set", here, "up");
            Exec("link", "set", tun, "up");
            Exec("-n", ns, "link", "set", here + "p", "up");
            Exec("-n", ns, "link", "set", tun + "p", "up");

            // The veth reports "up" once both ends are. The kernel's link watcher sets that under the routing lock, which
            // other tests deleting namespaces can hold for seconds on a loaded machine: rescan until then.
            Assert.True(RefreshUntil(watcher, () => watcher.Current.Contains(address)),
                $"found {string.Join(", ", watcher.Current)}; {here} is {OperState(here)}");
            Assert.DoesNotContain(tunAddress, watcher.Current); // the excluded (TUN) interface
            Assert.DoesNotContain(watcher.Current, a => a.IsIPv6LinkLocal);
            Assert.Contains(address, changes[^1]);

            Exec("link", "del", here);
            Assert.True(RefreshUntil(watcher, () => !watcher.Current.Contains(address)), $"found {string.Join(", ", watcher.Current)}");
            Assert.DoesNotContain(address, changes[^1]);
        }
        finally
        {
            IpCommand.Run("netns", "del", ns);
            IpCommand.Run("link", "del", here);
            IpCommand.Run("link", "del", tun);
        }
    }

    private static bool RefreshUntil(LocalAddressWatcher watcher, Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            watcher.Refresh();
            if (condition())
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

    private static string OperState(string name)
    {
        try
        {
            return "operstate " + File.ReadAllText($"/sys/class/net/{name}/operstate").Trim();
        }
        catch (IOException e)
        {
            return "unreadable: " + e.Message;
        }
    }

    private static void Exec(params string[] arguments)
    {
        var (exit, output) = IpCommand.Run(arguments);
        Assert.True(exit == 0, $"ip {string.Join(' ', arguments)} failed ({exit}): {output}");
    }
}
