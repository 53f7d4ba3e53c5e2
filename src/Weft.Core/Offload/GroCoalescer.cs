using System.Buffers.Binary;

namespace Weft.Core.Offload;

/// <summary>
/// Coalesces the IP packets one receive batch delivers to the TUN device (generic receive offload in user space):
/// consecutive in-order TCP segments of one flow become one super-packet the kernel takes in a single write(2), with a
/// virtio-net header asking it to treat the packet as GSO TCP (it re-segments only if it has to forward it). Pure
/// packet code; the TUN device owns one per receive thread.
/// </summary>
/// <remarks>
/// <code>
///  storage: Slots items of Stride bytes, one item per slot, in arrival order of each item's first packet
///   | virtio hdr (10) | IP hdr | TCP hdr | payload 1 | payload 2 | ... payload n |   (n ≥ 1, ≤ 65535 bytes of IP)
///  Add(p): p is a TCP segment (IPv4 without options or fragments, or IPv6 without extension headers; flags ACK or
///          ACK|PSH; payload > 0; valid checksum) and the newest item of p's flow (addresses, ports) is still open and
///          matches (IPv4 TOS/TTL/DF, IPv6 class/flow/hop limit, TCP header length, options, ACK number, window) and
///          p.seq = the item's next seq and p's payload ≤ the item's gso_size and the total stays ≤ 65535
///            -> append p's payload to that item (PSH, or a payload shorter than gso_size, closes the item)
///          otherwise -> p becomes a new item (when every slot is taken: Flush first)
///  Flush:  each item in order; n ≥ 2: fix IP lengths/IPv4 checksum, put the pseudo-header sum in the TCP checksum,
///          header {NEEDS_CSUM, TCPV4/TCPV6, hdr_len, gso_size, csum_start = IP hdr, csum_offset 16};
///          n = 1: the packet unchanged with a zero header.
/// </code>
/// <para>Order: items leave in the order their first packets arrived, and a flow's later packets never go into an
/// earlier item than its newest, so each flow's packets stay in order. Not thread-safe: one thread at a time.
/// Nothing is allocated after construction.</para>
/// </remarks>
public sealed class GroCoalescer
{
    /// <summary>The default number of items held before a forced flush.</summary>
    public const int DefaultSlots = 16;

    /// <summary>The largest IP packet an item holds (IPv4 total length / IPv6 payload length limit).</summary>
    public const int MaxPacket = 65535;

    private const int Stride = 65552; // 10 + 65535, rounded up to 16
    private const byte ProtocolTcp = 6;
    private const byte TcpAck = 0x10;
    private const byte TcpPsh = 0x08;

    private readonly byte[] _storage;
    private readonly int[] _length;           // IP packet length of each item
    private readonly bool[] _open;            // more segments may be appended
    private readonly bool[] _tcp;             // the item is a TCP candidate (has a flow)
    private readonly int[] _ipHeaderLength;
    private readonly int[] _tcpHeaderLength;
    private readonly int[] _gsoSize;
    private readonly int[] _segments;
    private readonly uint[] _nextSeq;
    private int _count;

    /// <summary>Creates a coalescer holding up to <paramref name="slots"/> items (about 64 KB each).</summary>
    public GroCoalescer(int slots = DefaultSlots)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(slots, 1024);
        Slots = slots;
        _storage = GC.AllocateUninitializedArray<byte>(slots * Stride, pinned: true);
        _length = new int[slots];
        _open = new bool[slots];
        _tcp = new bool[slots];
        _ipHeaderLength = new int[slots];
        _tcpHeaderLength = new int[slots];
        _gsoSize = new int[slots];
        _segments = new int[slots];
        _nextSeq = new uint[slots];
    }

    /// <summary>How many items it holds before it flushes by itself.</summary>
    public int Slots { get; }

    /// <summary>Items held now.</summary>
    public int Count => _count;

    /// <summary>Packets accepted by <see cref="Add"/>.</summary>
    public long PacketsAdded { get; private set; }

    /// <summary>Packets appended to an earlier packet of their flow instead of becoming an item of their own.</summary>
    public long PacketsCoalesced { get; private set; }

    /// <summary>Frames emitted that carry more than one segment.</summary>
    public long SuperPacketsEmitted { get; private set; }

    /// <summary>Frames emitted in all.</summary>
    public long FramesEmitted { get; private set; }

    /// <summary>Packets refused by <see cref="Add"/> (empty or longer than <see cref="MaxPacket"/>).</summary>
    public long PacketsRefused { get; private set; }

    /// <summary>
    /// Copies <paramref name="ipPacket"/> in, merging it into its flow's newest item when it continues it. When every
    /// slot is taken the held items are flushed to <paramref name="sink"/> first. Returns false (and counts) for a
    /// packet it cannot hold.
    /// </summary>
    public bool Add(ReadOnlySpan<byte> ipPacket, IGroSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (ipPacket.IsEmpty || ipPacket.Length > MaxPacket)
        {
            PacketsRefused++;
            return false;
        }

        PacketsAdded++;
        bool candidate = TryParseTcp(ipPacket, out int ipHeaderLength, out int tcpHeaderLength, out int payloadLength);
        if (candidate)
        {
            int item = NewestOfFlow(ipPacket, ipHeaderLength);
            if (item >= 0 && TryAppend(item, ipPacket, ipHeaderLength, tcpHeaderLength, payloadLength))
            {
                PacketsCoalesced++;
                return true;
            }
        }

        if (_count == Slots)
        {
            Flush(sink);
        }

        int slot = _count++;
        ipPacket.CopyTo(_storage.AsSpan(slot * Stride + VirtioNetHeader.Size));
        _length[slot] = ipPacket.Length;
        _tcp[slot] = candidate;
        _segments[slot] = 1;
        if (candidate)
        {
            byte flags = ipPacket[ipHeaderLength + 13];
            _open[slot] = (flags & TcpPsh) == 0;
            _ipHeaderLength[slot] = ipHeaderLength;
            _tcpHeaderLength[slot] = tcpHeaderLength;
            _gsoSize[slot] = payloadLength;
            _nextSeq[slot] = BinaryPrimitives.ReadUInt32BigEndian(ipPacket[(ipHeaderLength + 4)..]) + (uint)payloadLength;
        }
        else
        {
            _open[slot] = false;
        }

        return true;
    }

    /// <summary>Hands every held item to <paramref name="sink"/> in order and empties the coalescer.</summary>
    public void Flush(IGroSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        for (int i = 0; i < _count; i++)
        {
            var frame = _storage.AsSpan(i * Stride, VirtioNetHeader.Size + _length[i]);
            var packet = frame[VirtioNetHeader.Size..];
            var header = default(VirtioNetHeader);
            if (_segments[i] > 1)
            {
                int ipHeaderLength = _ipHeaderLength[i];
                bool v4 = (packet[0] >> 4) == 4;
                if (v4)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(packet[2..], (ushort)packet.Length);
                    packet[10] = 0;
                    packet[11] = 0;
                    BinaryPrimitives.WriteUInt16BigEndian(packet[10..], InternetChecksum.Compute(packet[..ipHeaderLength]));
                }
                else
                {
                    BinaryPrimitives.WriteUInt16BigEndian(packet[4..], (ushort)(packet.Length - 40));
                }

                int tcpLength = packet.Length - ipHeaderLength;
                ushort pseudo = InternetChecksum.Fold(InternetChecksum.PseudoHeaderSum(packet, ProtocolTcp, tcpLength));
                BinaryPrimitives.WriteUInt16BigEndian(packet[(ipHeaderLength + 16)..], pseudo);
                header.Flags = VirtioNetHeader.FlagNeedsChecksum;
                header.GsoType = v4 ? VirtioNetHeader.GsoTcpV4 : VirtioNetHeader.GsoTcpV6;
                header.HeaderLength = (ushort)(ipHeaderLength + _tcpHeaderLength[i]);
                header.GsoSize = (ushort)_gsoSize[i];
                header.ChecksumStart = (ushort)ipHeaderLength;
                header.ChecksumOffset = 16;
                SuperPacketsEmitted++;
            }

            header.Write(frame);
            FramesEmitted++;
            sink.Emit(frame);
        }

        _count = 0;
    }

    /// <summary>Drops every held item without emitting it.</summary>
    public void Reset() => _count = 0;

    private static bool TryParseTcp(ReadOnlySpan<byte> packet, out int ipHeaderLength, out int tcpHeaderLength, out int payloadLength)
    {
        ipHeaderLength = 0;
        tcpHeaderLength = 0;
        payloadLength = 0;
        int version = packet[0] >> 4;
        if (version == 4)
        {
            // Only a 20-byte header without options, not a fragment, TCP, length field exact.
            if (packet.Length < 40 || packet[0] != 0x45 || packet[9] != ProtocolTcp
                || BinaryPrimitives.ReadUInt16BigEndian(packet[2..]) != packet.Length
                || (BinaryPrimitives.ReadUInt16BigEndian(packet[6..]) & 0x3fff) != 0)
            {
                return false;
            }

            ipHeaderLength = 20;
        }
        else if (version == 6)
        {
            if (packet.Length < 60 || packet[6] != ProtocolTcp || BinaryPrimitives.ReadUInt16BigEndian(packet[4..]) + 40 != packet.Length)
            {
                return false;
            }

            ipHeaderLength = 40;
        }
        else
        {
            return false;
        }

        tcpHeaderLength = (packet[ipHeaderLength + 12] >> 4) * 4;
        byte flags = packet[ipHeaderLength + 13];
        payloadLength = packet.Length - ipHeaderLength - tcpHeaderLength;
        if (tcpHeaderLength < 20 || payloadLength <= 0 || (flags & ~TcpPsh) != TcpAck)
        {
            return false;
        }

        // A corrupt segment must not be merged: the kernel would trust the checksum we ask it to complete.
        var tcp = packet[ipHeaderLength..];
        uint sum = InternetChecksum.Add(tcp, InternetChecksum.PseudoHeaderSum(packet, ProtocolTcp, tcp.Length));
        return InternetChecksum.Fold(sum) == 0xffff;
    }

    private int NewestOfFlow(ReadOnlySpan<byte> packet, int ipHeaderLength)
    {
        // Addresses: IPv4 bytes 12..20, IPv6 bytes 8..40; ports: the first 4 bytes of TCP.
        var addresses = ipHeaderLength == 20 ? packet[12..20] : packet[8..40];
        var ports = packet.Slice(ipHeaderLength, 4);
        for (int i = _count - 1; i >= 0; i--)
        {
            if (!_tcp[i] || _ipHeaderLength[i] != ipHeaderLength)
            {
                continue;
            }

            var held = _storage.AsSpan(i * Stride + VirtioNetHeader.Size, _length[i]);
            var heldAddresses = ipHeaderLength == 20 ? held[12..20] : held[8..40];
            if (heldAddresses.SequenceEqual(addresses) && held.Slice(ipHeaderLength, 4).SequenceEqual(ports))
            {
                return i;
            }
        }

        return -1;
    }

    private bool TryAppend(int item, ReadOnlySpan<byte> packet, int ipHeaderLength, int tcpHeaderLength, int payloadLength)
    {
        if (!_open[item] || tcpHeaderLength != _tcpHeaderLength[item] || payloadLength > _gsoSize[item]
            || _length[item] + payloadLength > MaxPacket
            || BinaryPrimitives.ReadUInt32BigEndian(packet[(ipHeaderLength + 4)..]) != _nextSeq[item])
        {
            return false;
        }

        var held = _storage.AsSpan(item * Stride + VirtioNetHeader.Size, _length[item] + payloadLength);
        if (ipHeaderLength == 20)
        {
            // TOS, DF (flags), TTL must match.
            if (held[1] != packet[1] || (held[6] & 0xe0) != (packet[6] & 0xe0) || held[8] != packet[8])
            {
                return false;
            }
        }
        else if (!held[..4].SequenceEqual(packet[..4]) || held[7] != packet[7])
        {
            // Version, traffic class and flow label; hop limit.
            return false;
        }

        // ACK number (8..12), window (14..16), options (20..) must match.
        var heldTcp = held[ipHeaderLength..];
        var tcp = packet[ipHeaderLength..];
        if (!heldTcp.Slice(8, 4).SequenceEqual(tcp.Slice(8, 4)) || !heldTcp.Slice(14, 2).SequenceEqual(tcp.Slice(14, 2))
            || !heldTcp[20..tcpHeaderLength].SequenceEqual(tcp[20..tcpHeaderLength]))
        {
            return false;
        }

        packet.Slice(ipHeaderLength + tcpHeaderLength, payloadLength).CopyTo(held[_length[item]..]);
        _length[item] += payloadLength;
        _nextSeq[item] += (uint)payloadLength;
        _segments[item]++;
        byte flags = tcp[13];
        if ((flags & TcpPsh) != 0)
        {
            heldTcp[13] |= TcpPsh;
            _open[item] = false;
        }

        if (payloadLength < _gsoSize[item])
        {
            _open[item] = false;
        }

        return true;
    }
}
