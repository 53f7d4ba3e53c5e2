using System.Runtime.InteropServices;

namespace Weft.Platform.Linux;

internal static partial class Interop
{
    /// <summary>recv(2). Returns the byte count, or -1 with errno set.</summary>
    [LibraryImport(Libc, EntryPoint = "recv", SetLastError = true)]
    internal static partial nint Recv(SafeFileDescriptor socket, Span<byte> buffer, nuint length, int flags);
}
