using System.Runtime.InteropServices;

namespace Weft.Platform.Linux;

internal static partial class Interop
{
    /// <summary>if_nametoindex(3). Returns 0 (errno set) if there is no such interface.</summary>
    [LibraryImport(Libc, EntryPoint = "if_nametoindex", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial uint IfNameToIndex(string name);
}
