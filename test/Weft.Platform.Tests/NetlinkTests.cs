using System.Net;
using Weft.Tests;
using Xunit;

namespace Weft.Platform.Tests;

/// <summary>rtnetlink configuration checked against what <c>ip -j</c> reports, and its error messages.</summary>
public sealed class NetlinkTests
{
    [Fact]
    public void Routes_via_the_device_are_added_for_both_families_and_adding_twice_is_fine()
    {
        Requires.Root();
        Requires.Programs("ip");
        var (name, x, ula) = LinuxTunDeviceTests.UniqueDevice();
        using var device = LinuxTunDevice.Create(name, 1420);
        Netlink.SetLinkUp(device.InterfaceIndex);
        Netlink.SetMtu(device.InterfaceIndex, 1300);
        Netlink.AddAddress(device.InterfaceIndex, IPAddress.Parse($"198.18.{x}.1"), 30);
        Netlink.AddAddress(device.InterfaceIndex, IPAddress.Parse($"198.18.{x}.1"), 30); // EEXIST is success

        var route4 = IPNetwork.Parse($"198.19.{x}.0/24");
        var route6 = IPNetwork.Parse($"{ula}:1::/64");
        Netlink.AddRoute(route4, device.InterfaceIndex);
        Netlink.AddRoute(route6, device.InterfaceIndex);
        Netlink.AddRoute(route4, device.InterfaceIndex);

        var routes4 = IpCommand.Json("-4", "route", "show", "dev", name).EnumerateArray().Select(r => r.GetProperty("dst").GetString()).ToList();
        var routes6 = IpCommand.Json("-6", "route", "show", "dev", name).EnumerateArray().Select(r => r.GetProperty("dst").GetString()).ToList();
        LinuxTunDeviceTests.Log($"IPv4 routes on {name}: {string.Join(", ", routes4)}; IPv6: {string.Join(", ", routes6)}");
        Assert.Contains(route4.ToString(), routes4);
        Assert.Contains(route6.ToString(), routes6);
        Assert.Equal(1300, IpCommand.Json("link", "show", "dev", name)[0].GetProperty("mtu").GetInt32());
    }

    [Fact]
    public void A_route_to_a_missing_interface_fails_with_a_message_naming_the_operation_and_the_reason()
    {
        Requires.Root();
        var error = Assert.Throws<IOException>(() => Netlink.AddRoute(IPNetwork.Parse("198.18.250.0/24"), 999_999));
        LinuxTunDeviceTests.Log(error.Message);
        Assert.StartsWith("cannot add route 198.18.250.0/24 via interface 999999 (no such interface): ", error.Message, StringComparison.Ordinal);
        Assert.Contains("errno 19", error.Message, StringComparison.Ordinal); // ENODEV
    }

    [Fact]
    public void Link_and_address_operations_on_a_missing_interface_fail_clearly()
    {
        Requires.Root();
        var up = Assert.Throws<IOException>(() => Netlink.SetLinkUp(999_998));
        Assert.StartsWith("cannot set interface 999998 (no such interface) up: ", up.Message, StringComparison.Ordinal);
        var mtu = Assert.Throws<IOException>(() => Netlink.SetMtu(999_998, 1400));
        Assert.StartsWith("cannot set MTU 1400 on interface 999998", mtu.Message, StringComparison.Ordinal);
        var address = Assert.Throws<IOException>(() => Netlink.AddAddress(999_998, IPAddress.Parse("198.18.251.1"), 24));
        Assert.StartsWith("cannot add address 198.18.251.1/24 to interface 999998", address.Message, StringComparison.Ordinal);
        LinuxTunDeviceTests.Log(up.Message);
        LinuxTunDeviceTests.Log(mtu.Message);
        LinuxTunDeviceTests.Log(address.Message);
    }

    [Fact]
    public void An_ipv6_address_on_a_device_whose_mtu_is_too_small_for_ipv6_fails_clearly()
    {
        Requires.Root();
        var (name, _, ula) = LinuxTunDeviceTests.UniqueDevice();
        using var device = LinuxTunDevice.Create(name, 1200);
        var error = Assert.Throws<IOException>(() => Netlink.AddAddress(device.InterfaceIndex, IPAddress.Parse($"{ula}::1"), 64));
        LinuxTunDeviceTests.Log(error.Message);
        Assert.Contains("1280", error.Message, StringComparison.Ordinal);
    }
}
