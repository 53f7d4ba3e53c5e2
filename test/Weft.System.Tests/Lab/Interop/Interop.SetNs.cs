using System.Runtime.InteropServices;

namespace Weft.SystemTests.Lab;

internal static partial class Interop
{
    /// <summary>CLONE_NEWNET: the namespace type for setns(2).</summary>
    public const int CLONE_NEWNET = 0x40000000;

    /// <summary>setns(2): moves the calling thread into the namespace behind <paramref name="fd"/>.</summary>
    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    internal static partial int SetNs(nint fd, int nsType);
}
