using System.Runtime.InteropServices;

namespace Weft.Platform.Linux;

internal static partial class Interop
{
    internal const int EFD_CLOEXEC = OpenFlags.O_CLOEXEC;
    internal const int EFD_NONBLOCK = OpenFlags.O_NONBLOCK;

    /// <summary>eventfd(2): a counter fd that becomes readable once written; used to wake a blocked poll.</summary>
    [LibraryImport(Libc, EntryPoint = "eventfd", SetLastError = true)]
    internal static partial SafeFileDescriptor EventFd(uint initialValue, int flags);
}
