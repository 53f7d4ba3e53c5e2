using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Weft.Platform.Internal;
using Weft.Platform.Linux;

namespace Weft.Platform;

/// <summary>
/// Interface configuration through rtnetlink (a raw NETLINK_ROUTE socket, no <c>ip</c>
/// subprocess): link up/down, MTU, addresses and routes. Every call waits for the kernel's ACK and
/// throws an <see cref="IOException"/> naming the operation and the kernel's reason when refused.
/// Adding something that already exists (EEXIST) counts as success, so setup is idempotent.
/// </summary>
/// <remarks>Message layouts are drawn in <see cref="NetlinkMessage"/>.</remarks>
public static class Netlink
{
    private const ushort RTM_NEWLINK = 16;
    private const ushort RTM_NEWADDR = 20;
    private const ushort RTM_NEWROUTE = 24;

    private const ushort IFLA_MTU = 4;
    private const ushort IFA_ADDRESS = 1;
    private const ushort IFA_LOCAL = 2;
    private const ushort IFA_FLAGS = 8;
    private const ushort RTA_DST = 1;
    private const ushort RTA_OIF = 4;

    private const uint IFF_UP = 0x1;
    private const byte IFA_F_NODAD = 0x02;
    private const byte AF_INET = 2;
    private const byte AF_INET6 = 10;
    private const byte RT_TABLE_MAIN = 254;
    private const byte RTPROT_STATIC = 4;
    private const byte RT_SCOPE_UNIVERSE = 0;
    private const byte RT_SCOPE_LINK = 253;
    private const byte RTN_UNICAST = 1;

    /// <summary>Brings the interface up (IFF_UP).</summary>
    public static void SetLinkUp(int ifindex) => SetLinkFlags(ifindex, up: true);

    /// <summary>Takes the interface down.</summary>
    public static void SetLinkDown(int ifindex) => SetLinkFlags(ifindex, up: false);

    /// <summary>Sets the interface MTU.</summary>
    public static void SetMtu(int ifindex, int mtu)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(mtu);
        Span<byte> buffer = stackalloc byte[64];
        var message = new NetlinkMessage(buffer, RTM_NEWLINK, 0, NetlinkSocket.NextSequence());
        var info = message.AddFamilyHeader(16);
        MemoryMarshal.Write(info[4..], in ifindex);
        message.AddAttribute(IFLA_MTU, (uint)mtu);
        Execute(message.Complete(), $"set MTU {mtu} on {Describe(ifindex)}");
    }

    /// <summary>
    /// Adds <paramref name="address"/>/<paramref name="prefixLength"/> to the interface, which also
    /// gives it the connected route to that prefix. For IPv6 it first enables IPv6 on the interface
    /// if it is disabled, and adds the address with IFA_F_NODAD so that it is usable at once.
    /// </summary>
    public static void AddAddress(int ifindex, IPAddress address, int prefixLength)
    {
        ArgumentNullException.ThrowIfNull(address);
        bool v6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        int maxPrefix = v6 ? 128 : 32;
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, maxPrefix);
        string operation = $"add address {address}/{prefixLength} to {Describe(ifindex)}";
        if (v6)
        {
            EnableIpv6(ifindex, operation);
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out int written);
        bytes = bytes[..written];

        Span<byte> buffer = stackalloc byte[128];
        var message = new NetlinkMessage(buffer, RTM_NEWADDR, NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_EXCL, NetlinkSocket.NextSequence());
        var header = message.AddFamilyHeader(8);
        header[0] = v6 ? AF_INET6 : AF_INET;
        header[1] = (byte)prefixLength;
        header[2] = v6 ? IFA_F_NODAD : (byte)0;
        header[3] = RT_SCOPE_UNIVERSE;
        MemoryMarshal.Write(header[4..], in ifindex);
        message.AddAttribute(IFA_LOCAL, bytes);
        message.AddAttribute(IFA_ADDRESS, bytes);
        if (v6)
        {
            message.AddAttribute(IFA_FLAGS, IFA_F_NODAD);
        }

        Execute(message.Complete(), operation);
    }

    /// <summary>Adds a route to <paramref name="destination"/> out of the interface (no gateway), in the main table.</summary>
    public static void AddRoute(IPNetwork destination, int ifindex)
    {
        bool v6 = destination.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6;
        Span<byte> bytes = stackalloc byte[16];
        destination.BaseAddress.TryWriteBytes(bytes, out int written);
        bytes = bytes[..written];

        Span<byte> buffer = stackalloc byte[128];
        var message = new NetlinkMessage(buffer, RTM_NEWROUTE, NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_EXCL, NetlinkSocket.NextSequence());
        var header = message.AddFamilyHeader(12);
        header[0] = v6 ? AF_INET6 : AF_INET;
        header[1] = (byte)destination.PrefixLength;
        header[4] = RT_TABLE_MAIN;
        header[5] = RTPROT_STATIC;
        header[6] = v6 ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
        header[7] = RTN_UNICAST;
        if (destination.PrefixLength > 0)
        {
            message.AddAttribute(RTA_DST, bytes);
        }

        message.AddAttribute(RTA_OIF, (uint)ifindex);
        Execute(message.Complete(), $"add route {destination} via {Describe(ifindex)}");
    }

    /// <summary>The index of the interface called <paramref name="name"/>, or 0 if there is none.</summary>
    public static int GetInterfaceIndex(string name) => (int)Interop.IfNameToIndex(name);

    /// <summary>The name of the interface with index <paramref name="ifindex"/>, or null if there is none.</summary>
    public static unsafe string? GetInterfaceName(int ifindex)
    {
        byte* name = stackalloc byte[InterfaceRequest.NameSize];
        return ifindex > 0 && Interop.IfIndexToName((uint)ifindex, name) != null
            ? Marshal.PtrToStringUTF8((nint)name)
            : null;
    }

    private static void SetLinkFlags(int ifindex, bool up)
    {
        Span<byte> buffer = stackalloc byte[64];
        var message = new NetlinkMessage(buffer, RTM_NEWLINK, 0, NetlinkSocket.NextSequence());
        var info = message.AddFamilyHeader(16);
        MemoryMarshal.Write(info[4..], in ifindex);
        uint flags = up ? IFF_UP : 0;
        uint change = IFF_UP;
        MemoryMarshal.Write(info[8..], in flags);
        MemoryMarshal.Write(info[12..], in change);
        Execute(message.Complete(), $"set {Describe(ifindex)} {(up ? "up" : "down")}");
    }

    /// <summary>Writes 0 to /proc/sys/net/ipv6/conf/NAME/disable_ipv6 if it holds 1.</summary>
    private static void EnableIpv6(int ifindex, string operation)
    {
        if (!Directory.Exists("/proc/sys/net/ipv6"))
        {
            throw new IOException($"cannot {operation}: IPv6 is disabled in this kernel (booted with ipv6.disable=1?)");
        }

        string? name = GetInterfaceName(ifindex);
        if (name is null)
        {
            throw new IOException($"cannot {operation}: no such interface");
        }

        string path = $"/proc/sys/net/ipv6/conf/{name}/disable_ipv6";
        if (!File.Exists(path))
        {
            throw new IOException($"cannot {operation}: the kernel has no IPv6 on '{name}' (an MTU below 1280 disables IPv6 on an interface)");
        }

        if (File.ReadAllText(path).Trim() == "1")
        {
            try
            {
                File.WriteAllText(path, "0");
            }
            catch (UnauthorizedAccessException e)
            {
                throw new IOException($"cannot {operation}: IPv6 is disabled on '{name}' and enabling it ({path}) was refused — run as root", e);
            }
        }
    }

    private static void Execute(ReadOnlySpan<byte> request, string operation)
    {
        using var socket = new NetlinkSocket();
        int errno = socket.Execute(request, out string? explanation);
        if (errno == 0 || errno == Interop.Errno.EEXIST)
        {
            return;
        }

        string reason = Marshal.GetPInvokeErrorMessage(errno);
        string hint = errno is Interop.Errno.EPERM or Interop.Errno.EACCES ? " — run as root or grant CAP_NET_ADMIN" : "";
        string detail = string.IsNullOrEmpty(explanation) ? "" : $": {explanation}";
        throw new IOException($"cannot {operation}: {reason} (errno {errno}){detail}{hint}");
    }

    private static string Describe(int ifindex) =>
        GetInterfaceName(ifindex) is { } name ? $"interface {ifindex} ({name})" : $"interface {ifindex} (no such interface)";
}
