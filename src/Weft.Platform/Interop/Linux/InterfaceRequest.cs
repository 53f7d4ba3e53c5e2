using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Weft.Platform.Linux;

/// <summary>
/// struct ifreq as TUNSETIFF uses it (40 bytes on 64-bit Linux).
/// <code>
///  0               16    18                                       40
///  +---------------+-----+----------------------------------------+
///  | ifr_name[16]  |flags|  rest of the union (unused here)       |
///  | NUL-padded    | s16 |                                        |
///  +---------------+-----+----------------------------------------+
/// </code>
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 40)]
internal struct InterfaceRequest
{
    /// <summary>IFNAMSIZ: 15 characters and a terminating NUL.</summary>
    public const int NameSize = 16;

    public NameBuffer Name;
    public short Flags;

    [InlineArray(NameSize)]
    public struct NameBuffer
    {
        private byte _element0;
    }

    public void SetName(string name)
    {
        Span<byte> bytes = Name;
        bytes.Clear();
        Encoding.ASCII.GetBytes(name, bytes[..(NameSize - 1)]);
    }

    public readonly string GetName()
    {
        ReadOnlySpan<byte> bytes = Name;
        int end = bytes.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? bytes : bytes[..end]);
    }
}
