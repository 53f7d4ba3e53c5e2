using System.Runtime.InteropServices;

namespace Weft.Platform.Linux;

internal static partial class Interop
{
    /// <summary>bind(2) for a netlink socket.</summary>
    [LibraryImport(Libc, EntryPoint = "bind", SetLastError = true)]
    internal static partial int Bind(SafeFileDescriptor socket, in SocketAddressNetlink address, uint addressLength);
}
