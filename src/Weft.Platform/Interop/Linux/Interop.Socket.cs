using System.Runtime.InteropServices;

namespace Weft.Platform.Linux;

internal static partial class Interop
{
    internal const int AF_NETLINK = 16;
    internal const int SOCK_RAW = 3;
    internal const int SOCK_CLOEXEC = OpenFlags.O_CLOEXEC;
    internal const int NETLINK_ROUTE = 0;

    /// <summary>socket(2).</summary>
    [LibraryImport(Libc, EntryPoint = "socket", SetLastError = true)]
    internal static partial SafeFileDescriptor Socket(int domain, int type, int protocol);
}
