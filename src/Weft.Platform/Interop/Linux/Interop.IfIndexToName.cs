using System.Runtime.InteropServices;

namespace Weft.Platform.Linux;

internal static partial class Interop
{
    /// <summary>if_indextoname(3) into a buffer of at least IFNAMSIZ (16) bytes. Returns null (errno set) if there is no such interface.</summary>
    [LibraryImport(Libc, EntryPoint = "if_indextoname", SetLastError = true)]
    internal static unsafe partial byte* IfIndexToName(uint index, byte* name);
}
