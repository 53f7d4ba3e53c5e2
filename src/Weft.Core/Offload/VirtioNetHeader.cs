using System.Buffers.Binary;

namespace Weft.Core.Offload;

/// <summary>
/// The virtio-net header a Linux TUN device with IFF_VNET_HDR puts in front of every packet it reads and expects in
/// front of every packet written to it: whether the L4 checksum is still to be completed and whether the packet is a
/// GSO super-packet to be cut into segments of <see cref="GsoSize"/> payload bytes.
/// </summary>
/// <remarks>
/// <code>
///  0       1          2..3       4..5       6..7         8..9          (10 bytes, little-endian fields)
///  +-------+----------+----------+----------+------------+-------------+
///  | flags | gso_type | hdr_len  | gso_size | csum_start | csum_offset |
///  +-------+----------+----------+----------+------------+-------------+
///  flags:    1 NEEDS_CSUM: the L4 checksum field at csum_start + csum_offset holds only the pseudo-header
///              sum; the sum over bytes from csum_start on is still to be added and complemented
///            2 DATA_VALID: the checksum was verified
///  gso_type: 0 NONE, 1 TCPV4, 3 UDP (UFO, legacy), 4 TCPV6, 5 UDP_L4 (USO); 0x80 ECN bit
///  hdr_len:  length of the headers (a hint; readers compute it themselves)
///  gso_size: payload bytes per segment (the MSS for TCP)
/// </code>
/// <para>The kernel uses the little-endian layout for TUN when the vnet header is "little-endian or legacy on a
/// little-endian host" (the default on x86-64 and arm64), which is what Weft runs on.</para>
/// </remarks>
public struct VirtioNetHeader
{
    /// <summary>The size of the header on the wire (TUNSETVNETHDRSZ 10).</summary>
    public const int Size = 10;

    /// <summary>flags bit: the L4 checksum is partial (csum_start / csum_offset say where).</summary>
    public const byte FlagNeedsChecksum = 1;

    /// <summary>flags bit: the checksum has been verified.</summary>
    public const byte FlagDataValid = 2;

    /// <summary>gso_type: an ordinary packet.</summary>
    public const byte GsoNone = 0;

    /// <summary>gso_type: a TCP over IPv4 super-packet.</summary>
    public const byte GsoTcpV4 = 1;

    /// <summary>gso_type: legacy UDP fragmentation offload (not supported by Weft).</summary>
    public const byte GsoUdp = 3;

    /// <summary>gso_type: a TCP over IPv6 super-packet.</summary>
    public const byte GsoTcpV6 = 4;

    /// <summary>gso_type: a UDP super-packet split at L4 (USO), IPv4 or IPv6.</summary>
    public const byte GsoUdpL4 = 5;

    /// <summary>gso_type bit: the TCP stream uses ECN (CWR goes on the first segment only).</summary>
    public const byte GsoEcn = 0x80;

    /// <summary>flags (see <see cref="FlagNeedsChecksum"/>, <see cref="FlagDataValid"/>).</summary>
    public byte Flags;

    /// <summary>gso_type (see <see cref="GsoNone"/> and friends).</summary>
    public byte GsoType;

    /// <summary>hdr_len.</summary>
    public ushort HeaderLength;

    /// <summary>gso_size.</summary>
    public ushort GsoSize;

    /// <summary>csum_start: where the checksummed region starts, from the start of the IP packet.</summary>
    public ushort ChecksumStart;

    /// <summary>csum_offset: where the checksum field is, from <see cref="ChecksumStart"/>.</summary>
    public ushort ChecksumOffset;

    /// <summary>True when <see cref="Flags"/> has <see cref="FlagNeedsChecksum"/>.</summary>
    public readonly bool NeedsChecksum => (Flags & FlagNeedsChecksum) != 0;

    /// <summary>Reads a header from the first <see cref="Size"/> bytes of <paramref name="source"/>.</summary>
    public static VirtioNetHeader Read(ReadOnlySpan<byte> source)
    {
        source = source[..Size];
        return new VirtioNetHeader
        {
            Flags = source[0],
            GsoType = source[1],
            HeaderLength = BinaryPrimitives.ReadUInt16LittleEndian(source[2..]),
            GsoSize = BinaryPrimitives.ReadUInt16LittleEndian(source[4..]),
            ChecksumStart = BinaryPrimitives.ReadUInt16LittleEndian(source[6..]),
            ChecksumOffset = BinaryPrimitives.ReadUInt16LittleEndian(source[8..]),
        };
    }

    /// <summary>Writes the header into the first <see cref="Size"/> bytes of <paramref name="destination"/>.</summary>
    public readonly void Write(Span<byte> destination)
    {
        destination = destination[..Size];
        destination[0] = Flags;
        destination[1] = GsoType;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], HeaderLength);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], GsoSize);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], ChecksumStart);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[8..], ChecksumOffset);
    }
}
