using System.Runtime.InteropServices;

namespace Weft.Platform.Linux;

internal static partial class Interop
{
    internal const int SOL_SOCKET = 1;
    internal const int SO_RCVTIMEO = 20;
    internal const int SOL_NETLINK = 270;
    internal const int NETLINK_CAP_ACK = 10;
    internal const int NETLINK_EXT_ACK = 11;

    /// <summary>setsockopt(2) with an int option value.</summary>
    [LibraryImport(Libc, EntryPoint = "setsockopt", SetLastError = true)]
    internal static partial int SetSockOpt(SafeFileDescriptor socket, int level, int name, in int value, uint valueLength);

    /// <summary>setsockopt(2) with a struct timeval option value (SO_RCVTIMEO).</summary>
    [LibraryImport(Libc, EntryPoint = "setsockopt", SetLastError = true)]
    internal static partial int SetSockOpt(SafeFileDescriptor socket, int level, int name, in TimeValue value, uint valueLength);

    /// <summary>struct timeval on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct TimeValue
    {
        public long Seconds;
        public long Microseconds;
    }
}
