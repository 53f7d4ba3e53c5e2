using System.Runtime.InteropServices;

namespace Weft.Core.OpenSsl;

internal static partial class Interop
{
    /// <summary>
    /// <c>unsigned long ERR_get_error(void)</c>: removes and returns the oldest error code of this thread
    /// (0 when none); used only to describe an unexpected failure.
    /// </summary>
    [LibraryImport(LibraryName)]
    internal static partial nuint ERR_get_error();
}
