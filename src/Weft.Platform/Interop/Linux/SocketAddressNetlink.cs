using System.Runtime.InteropServices;

namespace Weft.Platform.Linux;

/// <summary>
/// struct sockaddr_nl (12 bytes).
/// <code>
///  0        2        4                 8                 12
///  +--------+--------+-----------------+-----------------+
///  | family |  pad   | port id (u32)   | groups (u32)    |
///  +--------+--------+-----------------+-----------------+
/// </code>
/// Port id 0 addresses the kernel (as a destination) or asks it to assign one (in bind).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SocketAddressNetlink
{
    public ushort Family;
    public ushort Pad;
    public uint PortId;
    public uint Groups;

    public static SocketAddressNetlink Kernel => new() { Family = Interop.AF_NETLINK };
}
