namespace Weft.Platform.Linux;

/// <summary>
/// Raw Linux system calls used by the platform layer. One file per native function
/// (<c>Interop.Open.cs</c>, <c>Interop.Poll.cs</c>, ...); this file holds the library name and
/// the errno values the callers branch on.
/// </summary>
internal static partial class Interop
{
    internal const string Libc = "libc";

    /// <summary>errno values (asm-generic, identical on x86_64 and arm64).</summary>
    internal static class Errno
    {
        internal const int EPERM = 1;
        internal const int ENOENT = 2;
        internal const int EINTR = 4;
        internal const int EIO = 5;
        internal const int ENXIO = 6;
        internal const int EAGAIN = 11;
        internal const int EACCES = 13;
        internal const int EBUSY = 16;
        internal const int EEXIST = 17;
        internal const int ENODEV = 19;
        internal const int EINVAL = 22;
        internal const int EMSGSIZE = 90;
        internal const int EBADFD = 77;
    }

    /// <summary>open(2) flags (asm-generic values, identical on x86_64 and arm64).</summary>
    internal static class OpenFlags
    {
        internal const int O_RDWR = 0x2;
        internal const int O_NONBLOCK = 0x800;
        internal const int O_CLOEXEC = 0x80000;
    }

    /// <summary>The errno of the last P/Invoke and its strerror text.</summary>
    internal static (int Errno, string Text) LastError()
    {
        int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
        return (errno, System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno));
    }
}
