using System.Runtime.InteropServices;

namespace Weft.Core.OpenSsl;

internal static partial class Interop
{
    /// <summary>
    /// <c>void ERR_clear_error(void)</c>: empties this thread's OpenSSL error queue, so a rejected packet leaves
    /// nothing behind for the next OpenSSL user on the thread (.NET's own cryptography included).
    /// </summary>
    [LibraryImport(LibraryName)]
    internal static partial void ERR_clear_error();
}
