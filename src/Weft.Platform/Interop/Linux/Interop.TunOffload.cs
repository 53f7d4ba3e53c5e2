using System.Runtime.InteropServices;

namespace Weft.Platform.Linux;

internal static partial class Interop
{
    /// <summary>TUNSETIFF flag: every read and write starts with a struct virtio_net_hdr (include/uapi/linux/if_tun.h).</summary>
    internal const short IFF_VNET_HDR = 0x4000;

    /// <summary>_IOW('T', 208, unsigned int): the offloads the reader can take; the argument is the flag word itself.</summary>
    internal const uint TUNSETOFFLOAD = 0x400454d0;

    /// <summary>_IOW('T', 216, int): the size of the virtio-net header; the argument points at an int.</summary>
    internal const uint TUNSETVNETHDRSZ = 0x400454d8;

    /// <summary>TUNSETOFFLOAD flags (include/uapi/linux/if_tun.h).</summary>
    internal static class TunOffload
    {
        /// <summary>We take packets whose L4 checksum is still partial.</summary>
        internal const uint Csum = 0x01;

        /// <summary>We take TCP over IPv4 super-packets.</summary>
        internal const uint Tso4 = 0x02;

        /// <summary>We take TCP over IPv6 super-packets.</summary>
        internal const uint Tso6 = 0x04;

        /// <summary>We take TCP super-packets with ECN (CWR).</summary>
        internal const uint TsoEcn = 0x08;

        /// <summary>We take UDP over IPv4 super-packets split at L4 (Linux 6.2+).</summary>
        internal const uint Uso4 = 0x20;

        /// <summary>We take UDP over IPv6 super-packets split at L4 (Linux 6.2+).</summary>
        internal const uint Uso6 = 0x40;
    }

    /// <summary>ioctl(2) whose argument is a plain integer value (TUNSETOFFLOAD).</summary>
    [LibraryImport(Libc, EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int IoctlValue(SafeFileDescriptor fd, nuint request, nuint value);

    /// <summary>ioctl(2) whose argument points at an int (TUNSETVNETHDRSZ).</summary>
    [LibraryImport(Libc, EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int IoctlInt(SafeFileDescriptor fd, nuint request, ref int value);
}
