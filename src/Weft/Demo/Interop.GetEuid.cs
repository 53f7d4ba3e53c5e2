using System.Runtime.InteropServices;

namespace Weft.Demo;

internal static partial class Interop
{
    /// <summary>geteuid(2): the effective user ID (0 for root).</summary>
    [LibraryImport("libc", EntryPoint = "geteuid")]
    internal static partial uint GetEuid();
}
