using System.Runtime.InteropServices;

namespace Weft.Platform.Linux;

internal static partial class Interop
{
    /// <summary>_IOW('T', 202, int): attach the fd to a TUN/TAP interface described by a struct ifreq.</summary>
    internal const uint TUNSETIFF = 0x400454ca;

    /// <summary>ioctl(2) whose argument is a struct ifreq.</summary>
    [LibraryImport(Libc, EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int Ioctl(SafeFileDescriptor fd, nuint request, ref InterfaceRequest argument);
}
