using System.Runtime.InteropServices;

namespace Weft.Platform.Linux;

internal static partial class Interop
{
    /// <summary>read(2) into a span. Returns the byte count, or -1 with errno set.</summary>
    [LibraryImport(Libc, EntryPoint = "read", SetLastError = true)]
    internal static partial nint Read(SafeFileDescriptor fd, Span<byte> buffer, nuint count);
}
