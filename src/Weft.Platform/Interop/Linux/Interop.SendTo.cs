using System.Runtime.InteropServices;

namespace Weft.Platform.Linux;

internal static partial class Interop
{
    /// <summary>sendto(2) to a netlink address. Returns the byte count, or -1 with errno set.</summary>
    [LibraryImport(Libc, EntryPoint = "sendto", SetLastError = true)]
    internal static partial nint SendTo(SafeFileDescriptor socket, ReadOnlySpan<byte> buffer, nuint length, int flags,
                                        in SocketAddressNetlink destination, uint destinationLength);
}
