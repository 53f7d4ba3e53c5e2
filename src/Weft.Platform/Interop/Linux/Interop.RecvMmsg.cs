using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Weft.Platform.Linux;

internal static partial class Interop
{
    /// <summary>recvmsg/recvmmsg flag: control data was cut short (the buffer was too small).</summary>
    internal const int MSG_CTRUNC = 0x08;

    /// <summary>recvmsg/recvmmsg flag: the datagram was longer than the buffer and was cut short.</summary>
    internal const int MSG_TRUNC = 0x20;

    /// <summary>recvmmsg flag: block for the first message only, then take what is queued without waiting.</summary>
    internal const int MSG_WAITFORONE = 0x10000;

    /// <summary>
    /// recvmmsg(2) without a timeout (null struct timespec*). Returns the number of messages received, each one's
    /// msg_len, msg_namelen, msg_controllen and msg_flags set by the kernel, or -1 with errno set.
    /// </summary>
    [LibraryImport(Libc, EntryPoint = "recvmmsg", SetLastError = true)]
    internal static unsafe partial int RecvMmsg(SafeSocketHandle socket, MultipleMessageHeader* messages, uint count, int flags, void* timeout);
}
