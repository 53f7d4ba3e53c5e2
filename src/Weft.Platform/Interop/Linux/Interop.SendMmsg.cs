using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Weft.Platform.Linux;

internal static partial class Interop
{
    /// <summary>SOL_UDP (= IPPROTO_UDP): the level of the UDP socket options and control messages.</summary>
    internal const int SOL_UDP = 17;

    /// <summary>UDP_SEGMENT (linux/udp.h): UDP GSO, a u16 segment size as a sendmsg control message or socket option.</summary>
    internal const int UDP_SEGMENT = 103;

    /// <summary>UDP_GRO (linux/udp.h): socket option (int 1) to receive coalesced datagrams; the received control message carries an int gso_size.</summary>
    internal const int UDP_GRO = 104;

    /// <summary>poll(2) event: the descriptor can be written without blocking.</summary>
    internal const short POLLOUT = 0x004;

    /// <summary>ENOPROTOOPT (asm-generic): the UDP offload paths branch on it.</summary>
    internal const int ENOPROTOOPT = 92;

    /// <summary>EOPNOTSUPP (asm-generic).</summary>
    internal const int EOPNOTSUPP = 95;

    /// <summary>
    /// struct mmsghdr on 64-bit Linux (64 bytes): a <see cref="MessageHeader"/> (56 bytes), then unsigned int msg_len,
    /// which the kernel sets to the bytes sent or received for this message, then 4 bytes of padding.
    /// <code>
    ///  0  struct msghdr msg_hdr (56)   56  unsigned int msg_len   60  pad
    /// </code>
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct MultipleMessageHeader
    {
        public MessageHeader Header;
        public uint Length;
    }

    /// <summary>sendmmsg(2). Returns the number of messages sent (all, or those before the first failure), or -1 with errno set when the first fails.</summary>
    [LibraryImport(Libc, EntryPoint = "sendmmsg", SetLastError = true)]
    internal static unsafe partial int SendMmsg(SafeSocketHandle socket, MultipleMessageHeader* messages, uint count, int flags);
}
