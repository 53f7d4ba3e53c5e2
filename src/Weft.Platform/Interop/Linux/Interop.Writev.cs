using System.Runtime.InteropServices;

namespace Weft.Platform.Linux;

internal static partial class Interop
{
    /// <summary>writev(2): gathers <paramref name="count"/> buffers into one write. Returns the byte count, or -1 with errno set.</summary>
    [LibraryImport(Libc, EntryPoint = "writev", SetLastError = true)]
    internal static unsafe partial nint Writev(SafeFileDescriptor fd, IoVector* vectors, int count);
}
