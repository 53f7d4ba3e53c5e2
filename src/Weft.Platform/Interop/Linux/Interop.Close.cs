using System.Runtime.InteropServices;

namespace Weft.Platform.Linux;

internal static partial class Interop
{
    /// <summary>close(2). Only <see cref="SafeFileDescriptor"/> calls this.</summary>
    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);
}
