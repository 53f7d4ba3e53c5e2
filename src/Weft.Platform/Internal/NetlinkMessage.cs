using System.Runtime.InteropServices;

namespace Weft.Platform.Internal;

/// <summary>
/// Builds one rtnetlink request in a caller-provided buffer: the netlink header, a fixed-size
/// family header (ifinfomsg, ifaddrmsg, rtmsg) and attributes.
/// </summary>
/// <remarks>
/// All integers are in host byte order except where the kernel says otherwise (addresses are
/// network order, as raw bytes). Every part is padded to 4 bytes.
/// <code>
///  nlmsghdr (16 bytes)
///  0               4       6       8               12              16
///  +---------------+-------+-------+---------------+---------------+
///  | length (u32)  | type  | flags | sequence (u32)| port id (u32) |
///  +---------------+-------+-------+---------------+---------------+
///  then the family header, then attributes:
///  rtattr
///  0       2       4
///  +-------+-------+---------------------------+---+
///  | len   | type  | value (len - 4 bytes)     |pad| to a multiple of 4
///  +-------+-------+---------------------------+---+
///
///  ifinfomsg (16):  family u8 | pad u8 | type u16 | index s32 | flags u32 | change u32
///  ifaddrmsg (8):   family u8 | prefixlen u8 | flags u8 | scope u8 | index u32
///  rtmsg (12):      family u8 | dst_len u8 | src_len u8 | tos u8 | table u8 | protocol u8 |
///                   scope u8 | type u8 | flags u32
///
///  The kernel's answer to a request with NLM_F_ACK is an NLMSG_ERROR message:
///  nlmsghdr | error s32 (0 = ACK, else -errno) | the request's nlmsghdr (16) |
///  [the request's payload unless NLM_F_CAPPED] | [attributes if NLM_F_ACK_TLVS:
///   NLMSGERR_ATTR_MSG (1) = a NUL-terminated explanation]
/// </code>
/// </remarks>
internal ref struct NetlinkMessage
{
    public const int HeaderSize = 16;
    public const ushort NLM_F_REQUEST = 0x1;
    public const ushort NLM_F_ACK = 0x4;
    public const ushort NLM_F_EXCL = 0x200;
    public const ushort NLM_F_CREATE = 0x400;

    private readonly Span<byte> _buffer;
    private int _length;

    /// <summary>Starts a message of <paramref name="type"/> with <paramref name="flags"/> (NLM_F_REQUEST | NLM_F_ACK are added).</summary>
    public NetlinkMessage(Span<byte> buffer, ushort type, ushort flags, uint sequence)
    {
        _buffer = buffer;
        _buffer.Clear();
        MemoryMarshal.Write(_buffer[4..], in type);
        ushort all = (ushort)(flags | NLM_F_REQUEST | NLM_F_ACK);
        MemoryMarshal.Write(_buffer[6..], in all);
        MemoryMarshal.Write(_buffer[8..], in sequence);
        _length = HeaderSize;
    }

    /// <summary>Reserves the fixed family header (already zeroed) and returns it for the caller to fill.</summary>
    public Span<byte> AddFamilyHeader(int size)
    {
        var header = _buffer.Slice(_length, size);
        _length += Align(size);
        return header;
    }

    public void AddAttribute(ushort type, scoped ReadOnlySpan<byte> value)
    {
        ushort length = (ushort)(4 + value.Length);
        MemoryMarshal.Write(_buffer[_length..], in length);
        MemoryMarshal.Write(_buffer[(_length + 2)..], in type);
        value.CopyTo(_buffer[(_length + 4)..]);
        _length += Align(length);
    }

    public void AddAttribute(ushort type, uint value)
    {
        Span<byte> bytes = stackalloc byte[sizeof(uint)];
        MemoryMarshal.Write(bytes, in value);
        AddAttribute(type, bytes);
    }

    /// <summary>The finished message (the length field is written here).</summary>
    public readonly ReadOnlySpan<byte> Complete()
    {
        uint length = (uint)_length;
        MemoryMarshal.Write(_buffer, in length);
        return _buffer[.._length];
    }

    public static int Align(int length) => (length + 3) & ~3;
}
