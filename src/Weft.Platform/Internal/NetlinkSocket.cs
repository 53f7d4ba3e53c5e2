using System.Runtime.InteropServices;
using System.Text;
using Weft.Platform.Linux;

namespace Weft.Platform.Internal;

/// <summary>
/// A NETLINK_ROUTE socket used for one request at a time: send a request built with
/// <see cref="NetlinkMessage"/>, wait for the kernel's ACK and turn a refusal into a clear
/// <see cref="IOException"/>. Opened per operation: configuration is rare and this keeps no
/// shared state between threads.
/// </summary>
internal sealed class NetlinkSocket : IDisposable
{
    private const ushort NLMSG_ERROR = 2;
    private const ushort NLM_F_CAPPED = 0x100;
    private const ushort NLM_F_ACK_TLVS = 0x200;
    private const ushort NLMSGERR_ATTR_MSG = 1;

    private static int s_sequence = Environment.TickCount;

    private readonly SafeFileDescriptor _fd;

    public NetlinkSocket()
    {
        _fd = Interop.Socket(Interop.AF_NETLINK, Interop.SOCK_RAW | Interop.SOCK_CLOEXEC, Interop.NETLINK_ROUTE);
        if (_fd.IsInvalid)
        {
            var (errno, text) = Interop.LastError();
            _fd.Dispose();
            throw new IOException($"cannot open a netlink (rtnetlink) socket: {text} (errno {errno})");
        }

        // Ask for the kernel's explanation string and a short ACK without our request echoed back.
        // Both are best effort: old kernels lack them, and the errno alone still works.
        _ = Interop.SetSockOpt(_fd, Interop.SOL_NETLINK, Interop.NETLINK_EXT_ACK, 1, sizeof(int));
        _ = Interop.SetSockOpt(_fd, Interop.SOL_NETLINK, Interop.NETLINK_CAP_ACK, 1, sizeof(int));
        var timeout = new Interop.TimeValue { Seconds = 5 };
        _ = Interop.SetSockOpt(_fd, Interop.SOL_SOCKET, Interop.SO_RCVTIMEO, timeout, (uint)Marshal.SizeOf<Interop.TimeValue>());

        if (Interop.Bind(_fd, SocketAddressNetlink.Kernel, (uint)Marshal.SizeOf<SocketAddressNetlink>()) != 0)
        {
            var (errno, text) = Interop.LastError();
            _fd.Dispose();
            throw new IOException($"cannot bind a netlink socket: {text} (errno {errno})");
        }
    }

    public static uint NextSequence() => (uint)Interlocked.Increment(ref s_sequence);

    /// <summary>
    /// Sends <paramref name="request"/> and waits for its ACK. Returns 0 on success or the positive
    /// errno the kernel answered with, and the kernel's explanation if it gave one.
    /// </summary>
    public int Execute(ReadOnlySpan<byte> request, out string? explanation)
    {
        explanation = null;
        uint sequence = MemoryMarshal.Read<uint>(request[8..]);
        if (Interop.SendTo(_fd, request, (nuint)request.Length, 0, SocketAddressNetlink.Kernel, (uint)Marshal.SizeOf<SocketAddressNetlink>()) < 0)
        {
            var (errno, _) = Interop.LastError();
            return errno;
        }

        Span<byte> reply = stackalloc byte[8192];
        while (true)
        {
            nint n = Interop.Recv(_fd, reply, (nuint)reply.Length, 0);
            if (n < 0)
            {
                var (errno, text) = Interop.LastError();
                if (errno == Interop.Errno.EINTR)
                {
                    continue;
                }

                throw new IOException($"no answer from the kernel on the netlink socket: {text} (errno {errno})");
            }

            var messages = reply[..(int)n];
            while (messages.Length >= NetlinkMessage.HeaderSize)
            {
                int length = (int)MemoryMarshal.Read<uint>(messages);
                if (length < NetlinkMessage.HeaderSize || length > messages.Length)
                {
                    break;
                }

                ushort type = MemoryMarshal.Read<ushort>(messages[4..]);
                ushort flags = MemoryMarshal.Read<ushort>(messages[6..]);
                uint replySequence = MemoryMarshal.Read<uint>(messages[8..]);
                if (type == NLMSG_ERROR && replySequence == sequence && length >= NetlinkMessage.HeaderSize + 4)
                {
                    int error = MemoryMarshal.Read<int>(messages[NetlinkMessage.HeaderSize..]);
                    if (error != 0)
                    {
                        explanation = ReadExplanation(messages[..length], flags);
                    }

                    return -error;
                }

                messages = messages[Math.Min(NetlinkMessage.Align(length), messages.Length)..];
            }
        }
    }

    public void Dispose() => _fd.Dispose();

    private static string? ReadExplanation(ReadOnlySpan<byte> message, ushort flags)
    {
        if ((flags & NLM_F_ACK_TLVS) == 0)
        {
            return null;
        }

        // Skip our header, the error code and the echoed request (only its header if capped).
        int offset = NetlinkMessage.HeaderSize + 4;
        if (message.Length < offset + NetlinkMessage.HeaderSize)
        {
            return null;
        }

        int echoed = (flags & NLM_F_CAPPED) != 0
            ? NetlinkMessage.HeaderSize
            : (int)MemoryMarshal.Read<uint>(message[offset..]);
        offset += NetlinkMessage.Align(echoed);
        while (offset + 4 <= message.Length)
        {
            ushort length = MemoryMarshal.Read<ushort>(message[offset..]);
            ushort type = MemoryMarshal.Read<ushort>(message[(offset + 2)..]);
            if (length < 4 || offset + length > message.Length)
            {
                break;
            }

            if (type == NLMSGERR_ATTR_MSG)
            {
                var text = message.Slice(offset + 4, length - 4);
                int end = text.IndexOf((byte)0);
                return Encoding.UTF8.GetString(end < 0 ? text : text[..end]);
            }

            offset += NetlinkMessage.Align(length);
        }

        return null;
    }
}
