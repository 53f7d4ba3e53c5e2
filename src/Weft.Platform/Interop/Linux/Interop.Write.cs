using System.Runtime.InteropServices;

namespace Weft.Platform.Linux;

internal static partial class Interop
{
    /// <summary>write(2) from a span. Returns the byte count, or -1 with errno set.</summary>
    [LibraryImport(Libc, EntryPoint = "write", SetLastError = true)]
    internal static partial nint Write(SafeFileDescriptor fd, ReadOnlySpan<byte> buffer, nuint count);
}
