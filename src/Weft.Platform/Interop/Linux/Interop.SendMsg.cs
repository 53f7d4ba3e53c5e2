using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Weft.Platform.Linux;

internal static partial class Interop
{
    internal const int IPPROTO_IP = 0;
    internal const int IP_TTL = 2;
    internal const int IPPROTO_IPV6 = 41;
    internal const int IPV6_HOPLIMIT = 52;

    /// <summary>struct iovec: void *iov_base; size_t iov_len.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct IoVector
    {
        public void* Base;
        public nuint Length;
    }

    /// <summary>
    /// struct msghdr on 64-bit Linux (56 bytes; sequential layout pads after the 4-byte name length as C does):
    /// <code>
    ///  0  void *msg_name        8  socklen_t msg_namelen (+4 pad)   16  struct iovec *msg_iov
    /// 24  size_t msg_iovlen    32  void *msg_control               40  size_t msg_controllen
    /// 48  int msg_flags (+4 pad)
    /// </code>
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public IoVector* Vectors;
        public nuint VectorCount;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>
    /// struct cmsghdr on 64-bit Linux: size_t cmsg_len; int cmsg_level; int cmsg_type; then the data, aligned to 8.
    /// One int of data: CMSG_LEN(4) = 20 is the length, CMSG_SPACE(4) = 24 the room it takes in the control buffer.
    /// <code>
    ///  0  cmsg_len = 20 (u64)   8  cmsg_level (i32)   12  cmsg_type (i32)   16  value (i32)   20  pad to 24
    /// </code>
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct ControlMessageHeader
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    /// <summary>sendmsg(2). Returns the byte count sent, or -1 with errno set.</summary>
    [LibraryImport(Libc, EntryPoint = "sendmsg", SetLastError = true)]
    internal static unsafe partial nint SendMsg(SafeSocketHandle socket, MessageHeader* message, int flags);
}
