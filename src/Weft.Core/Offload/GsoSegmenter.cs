using System.Buffers.Binary;
using Weft.Core.Net;

namespace Weft.Core.Offload;

/// <summary>
/// Cuts what a TUN device with offloads hands us — a virtio-net header and one IP packet that may be a TSO/USO
/// super-packet of up to 64 KB — into ordinary IP packets of at most headers + gso_size bytes, written into the slots
/// of a <see cref="PacketBatch"/> with room before and after each for in-place encryption. Pure packet code.
/// </summary>
/// <remarks>
/// <code>
///  super-packet:  | IP hdr | TCP/UDP hdr | payload (P bytes) .................................. |
///  segment k:     | IP hdr'| L4 hdr'     | payload[k*gso .. min((k+1)*gso, P)) |
///    IPv4: total length, ID + k, header checksum      IPv6: payload length
///    TCP:  seq + k*gso, FIN/PSH only on the last, CWR only on the first, full checksum
///    UDP:  length, full checksum (0 sent as 0xffff)
///  slot i of the batch: | headRoom | segment | >= tailRoom |
/// </code>
/// <para>Resumable: the <c>cursor</c> is the number of payload bytes already emitted. When the batch fills before the
/// super-packet is done (a 64 KB packet at a small MSS has more segments than a batch has slots) the call returns
/// <see cref="GsoStatus.BatchFull"/>; the caller sends and clears the batch and calls again with the same packet and
/// cursor. Malformed input returns an error status and emits nothing more for that packet; it never throws for a bad
/// packet and never writes a wrong one. Allocates nothing.</para>
/// </remarks>
public static class GsoSegmenter
{
    private const byte ProtocolTcp = 6;
    private const byte ProtocolUdp = 17;
    private const byte TcpFin = 0x01;
    private const byte TcpPsh = 0x08;
    private const byte TcpCwr = 0x80;

    /// <summary>Segments a frame as read from the TUN device: the 10-byte virtio-net header, then the IP packet.</summary>
    public static GsoStatus Segment(ReadOnlySpan<byte> frame, PacketBatch batch, int headRoom, int tailRoom, ref int cursor)
    {
        if (frame.Length < VirtioNetHeader.Size)
        {
            cursor = 0;
            return GsoStatus.BadLength;
        }

        var header = VirtioNetHeader.Read(frame);
        return Segment(header, frame[VirtioNetHeader.Size..], batch, headRoom, tailRoom, ref cursor);
    }

    /// <summary>
    /// Appends the segments of <paramref name="packet"/> (described by <paramref name="header"/>) to
    /// <paramref name="batch"/> from slot <see cref="PacketBatch.Count"/> on, each at <paramref name="headRoom"/> in its
    /// slot with at least <paramref name="tailRoom"/> free after it. Start with <paramref name="cursor"/> = 0.
    /// </summary>
    public static GsoStatus Segment(in VirtioNetHeader header, ReadOnlySpan<byte> packet, PacketBatch batch, int headRoom, int tailRoom, ref int cursor)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfNegative(headRoom);
        ArgumentOutOfRangeException.ThrowIfNegative(tailRoom);
        var status = header.GsoType == VirtioNetHeader.GsoNone
            ? CopyOne(header, packet, batch, headRoom, tailRoom, ref cursor)
            : Split(header, packet, batch, headRoom, tailRoom, ref cursor);
        if (status != GsoStatus.BatchFull)
        {
            cursor = 0;
        }

        return status;
    }

    private static GsoStatus CopyOne(in VirtioNetHeader header, ReadOnlySpan<byte> packet, PacketBatch batch, int headRoom, int tailRoom, ref int cursor)
    {
        if (packet.IsEmpty)
        {
            return GsoStatus.BadLength;
        }

        if (headRoom + packet.Length + tailRoom > batch.SlotSize)
        {
            return GsoStatus.TooLargeForSlot;
        }

        int field = header.ChecksumStart + header.ChecksumOffset;
        if (header.NeedsChecksum && (field + 2 > packet.Length || (header.ChecksumStart & 1) != 0))
        {
            return GsoStatus.BadChecksumOffset;
        }

        if (batch.IsFull)
        {
            return GsoStatus.BatchFull;
        }

        int index = batch.Count;
        var destination = batch.Buffer.AsSpan(batch.SlotStart(index) + headRoom, packet.Length);
        packet.CopyTo(destination);
        if (header.NeedsChecksum)
        {
            // The field holds the pseudo-header sum already; the sum over the region includes it.
            ushort checksum = InternetChecksum.Finish(InternetChecksum.Add(destination[header.ChecksumStart..]));
            BinaryPrimitives.WriteUInt16BigEndian(destination[field..], checksum == 0 ? (ushort)0xffff : checksum);
        }

        batch.Set(index, headRoom, packet.Length);
        batch.Count = index + 1;
        return GsoStatus.Complete;
    }

    private static GsoStatus Split(in VirtioNetHeader header, ReadOnlySpan<byte> packet, PacketBatch batch, int headRoom, int tailRoom, ref int cursor)
    {
        int gsoType = header.GsoType & ~VirtioNetHeader.GsoEcn;
        bool tcp;
        int wantVersion;
        switch (gsoType)
        {
            case VirtioNetHeader.GsoTcpV4:
                tcp = true;
                wantVersion = 4;
                break;
            case VirtioNetHeader.GsoTcpV6:
                tcp = true;
                wantVersion = 6;
                break;
            case VirtioNetHeader.GsoUdpL4:
                tcp = false;
                wantVersion = 0;
                break;
            default:
                return GsoStatus.UnknownGsoType;
        }

        if (header.GsoSize == 0)
        {
            return GsoStatus.BadGsoSize;
        }

        var parse = ParseIp(packet, out int version, out int ipHeaderLength, out byte protocol);
        if (parse != GsoStatus.Complete)
        {
            return parse;
        }

        if ((wantVersion != 0 && version != wantVersion) || protocol != (tcp ? ProtocolTcp : ProtocolUdp))
        {
            return GsoStatus.Unsupported;
        }

        int l4HeaderLength = 8;
        if (tcp)
        {
            if (packet.Length < ipHeaderLength + 20)
            {
                return GsoStatus.BadLength;
            }

            l4HeaderLength = (packet[ipHeaderLength + 12] >> 4) * 4;
            if (l4HeaderLength < 20)
            {
                return GsoStatus.BadLength;
            }
        }

        int headerLength = ipHeaderLength + l4HeaderLength;
        if (packet.Length < headerLength)
        {
            return GsoStatus.BadLength;
        }

        int payloadLength = packet.Length - headerLength;
        int gsoSize = header.GsoSize;
        if (headRoom + headerLength + Math.Min(gsoSize, payloadLength) + tailRoom > batch.SlotSize)
        {
            return GsoStatus.TooLargeForSlot;
        }

        if (cursor < 0 || cursor > payloadLength)
        {
            return GsoStatus.BadLength;
        }

        var headers = packet[..headerLength];
        ushort firstId = version == 4 ? BinaryPrimitives.ReadUInt16BigEndian(packet[4..]) : (ushort)0;
        uint firstSeq = tcp ? BinaryPrimitives.ReadUInt32BigEndian(packet[(ipHeaderLength + 4)..]) : 0;
        byte flags = tcp ? packet[ipHeaderLength + 13] : (byte)0;

        int offset = cursor;
        do
        {
            if (batch.IsFull)
            {
                cursor = offset;
                return GsoStatus.BatchFull;
            }

            int chunk = Math.Min(gsoSize, payloadLength - offset);
            int segmentIndex = offset / gsoSize;
            bool last = offset + chunk >= payloadLength;
            int index = batch.Count;
            int length = headerLength + chunk;
            var segment = batch.Buffer.AsSpan(batch.SlotStart(index) + headRoom, length);
            headers.CopyTo(segment);
            packet.Slice(headerLength + offset, chunk).CopyTo(segment[headerLength..]);

            if (version == 4)
            {
                BinaryPrimitives.WriteUInt16BigEndian(segment[2..], (ushort)length);
                BinaryPrimitives.WriteUInt16BigEndian(segment[4..], (ushort)(firstId + segmentIndex));
                segment[10] = 0;
                segment[11] = 0;
                BinaryPrimitives.WriteUInt16BigEndian(segment[10..], InternetChecksum.Compute(segment[..ipHeaderLength]));
            }
            else
            {
                BinaryPrimitives.WriteUInt16BigEndian(segment[4..], (ushort)(length - 40));
            }

            var l4 = segment[ipHeaderLength..];
            int l4Length = length - ipHeaderLength;
            ushort checksum;
            if (tcp)
            {
                BinaryPrimitives.WriteUInt32BigEndian(l4[4..], firstSeq + (uint)offset);
                byte segmentFlags = flags;
                if (!last)
                {
                    segmentFlags &= unchecked((byte)~(TcpFin | TcpPsh));
                }

                if (segmentIndex != 0)
                {
                    segmentFlags &= unchecked((byte)~TcpCwr);
                }

                l4[13] = segmentFlags;
                l4[16] = 0;
                l4[17] = 0;
                checksum = InternetChecksum.Finish(InternetChecksum.Add(l4, InternetChecksum.PseudoHeaderSum(segment, ProtocolTcp, l4Length)));
                BinaryPrimitives.WriteUInt16BigEndian(l4[16..], checksum);
            }
            else
            {
                BinaryPrimitives.WriteUInt16BigEndian(l4[4..], (ushort)l4Length);
                l4[6] = 0;
                l4[7] = 0;
                checksum = InternetChecksum.Finish(InternetChecksum.Add(l4, InternetChecksum.PseudoHeaderSum(segment, ProtocolUdp, l4Length)));
                BinaryPrimitives.WriteUInt16BigEndian(l4[6..], checksum == 0 ? (ushort)0xffff : checksum);
            }

            batch.Set(index, headRoom, length);
            batch.Count = index + 1;
            offset += chunk;
        }
        while (offset < payloadLength);

        return GsoStatus.Complete;
    }

    /// <summary>Checks the IP header of a super-packet: version, lengths, no fragments, no IPv6 extension headers.</summary>
    private static GsoStatus ParseIp(ReadOnlySpan<byte> packet, out int version, out int headerLength, out byte protocol)
    {
        version = packet.IsEmpty ? 0 : packet[0] >> 4;
        headerLength = 0;
        protocol = 0;
        if (version == 4)
        {
            if (packet.Length < 20)
            {
                return GsoStatus.BadLength;
            }

            headerLength = (packet[0] & 0x0f) * 4;
            if (headerLength < 20 || packet.Length < headerLength || BinaryPrimitives.ReadUInt16BigEndian(packet[2..]) != packet.Length)
            {
                return GsoStatus.BadLength;
            }

            // More-fragments flag or a fragment offset: a fragment cannot be segmented.
            if ((BinaryPrimitives.ReadUInt16BigEndian(packet[6..]) & 0x3fff) != 0)
            {
                return GsoStatus.Unsupported;
            }

            protocol = packet[9];
            return GsoStatus.Complete;
        }

        if (version == 6)
        {
            if (packet.Length < 40)
            {
                return GsoStatus.BadLength;
            }

            headerLength = 40;
            if (BinaryPrimitives.ReadUInt16BigEndian(packet[4..]) + 40 != packet.Length)
            {
                return GsoStatus.BadLength;
            }

            protocol = packet[6];
            return GsoStatus.Complete;
        }

        return packet.IsEmpty ? GsoStatus.BadLength : GsoStatus.Unsupported;
    }
}
