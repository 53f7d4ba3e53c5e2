using System.Buffers.Binary;
using Weft.Core.Offload;
using Xunit;

namespace Weft.Core.Tests.Offload;

/// <summary>
/// Builds IPv4/IPv6 TCP and UDP packets for the offload tests and checks them with a slow, obviously correct checksum
/// that shares no code with <see cref="InternetChecksum"/>.
/// </summary>
internal static class OffloadPackets
{
    public const byte ProtocolTcp = 6;
    public const byte ProtocolUdp = 17;
    public const byte Ack = 0x10;
    public const byte Psh = 0x08;
    public const byte Fin = 0x01;
    public const byte Cwr = 0x80;

    private static readonly byte[] Source4 = [10, 0, 0, 1];
    private static readonly byte[] Destination4 = [10, 0, 0, 2];
    private static readonly byte[] Source6 = [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    private static readonly byte[] Destination6 = [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];

    /// <summary>RFC 1071 the slow way: big-endian 16-bit words one by one, odd byte padded, folded at the end.</summary>
    public static ushort NaiveSum(ReadOnlySpan<byte> data)
    {
        ulong sum = 0;
        for (int i = 0; i < data.Length; i += 2)
        {
            int high = data[i];
            int low = i + 1 < data.Length ? data[i + 1] : 0;
            sum += (ulong)((high << 8) | low);
        }

        while (sum > 0xffff)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return (ushort)sum;
    }

    /// <summary>The pseudo-header as bytes, for the naive checksum.</summary>
    public static byte[] PseudoHeader(ReadOnlySpan<byte> ip, byte protocol, int l4Length)
    {
        if ((ip[0] >> 4) == 4)
        {
            var p = new byte[12];
            ip.Slice(12, 8).CopyTo(p);
            p[9] = protocol;
            BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(10), (ushort)l4Length);
            return p;
        }

        var q = new byte[40];
        ip.Slice(8, 32).CopyTo(q);
        BinaryPrimitives.WriteUInt32BigEndian(q.AsSpan(32), (uint)l4Length);
        q[39] = protocol;
        return q;
    }

    /// <summary>True when the IPv4 header checksum (if IPv4) and the TCP/UDP checksum verify, the slow way.</summary>
    public static void AssertChecksumsValid(ReadOnlySpan<byte> packet)
    {
        int ipHeaderLength = IpHeaderLength(packet);
        if ((packet[0] >> 4) == 4)
        {
            Assert.Equal(0xffff, NaiveSum(packet[..ipHeaderLength]));
            Assert.Equal(packet.Length, BinaryPrimitives.ReadUInt16BigEndian(packet[2..]));
        }
        else
        {
            Assert.Equal(packet.Length - 40, BinaryPrimitives.ReadUInt16BigEndian(packet[4..]));
        }

        byte protocol = Protocol(packet);
        var l4 = packet[ipHeaderLength..];
        var all = PseudoHeader(packet, protocol, l4.Length).Concat(l4.ToArray()).ToArray();
        Assert.Equal(0xffff, NaiveSum(all));
        if (protocol == ProtocolUdp)
        {
            Assert.Equal(l4.Length, BinaryPrimitives.ReadUInt16BigEndian(l4[4..]));
        }
    }

    public static int IpHeaderLength(ReadOnlySpan<byte> packet) => (packet[0] >> 4) == 4 ? (packet[0] & 0x0f) * 4 : 40;

    public static byte Protocol(ReadOnlySpan<byte> packet) => (packet[0] >> 4) == 4 ? packet[9] : packet[6];

    public static int L4HeaderLength(ReadOnlySpan<byte> packet)
    {
        int ip = IpHeaderLength(packet);
        return Protocol(packet) == ProtocolTcp ? (packet[ip + 12] >> 4) * 4 : 8;
    }

    public static ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> packet) => packet[(IpHeaderLength(packet) + L4HeaderLength(packet))..];

    public static uint Seq(ReadOnlySpan<byte> packet) => BinaryPrimitives.ReadUInt32BigEndian(packet[(IpHeaderLength(packet) + 4)..]);

    public static byte TcpFlags(ReadOnlySpan<byte> packet) => packet[IpHeaderLength(packet) + 13];

    public static ushort Id(ReadOnlySpan<byte> packet) => BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);

    /// <summary>Deterministic payload bytes.</summary>
    public static byte[] PayloadBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>
    /// A TCP packet with valid checksums (IPv4 options and TCP options allowed), DF set, TTL 64; ports 40000 → 5201.
    /// </summary>
    public static byte[] Tcp(int version, ReadOnlySpan<byte> payload, uint seq, byte flags, ushort id = 0x1234,
        int tcpOptions = 12, int ipOptions = 0, uint ack = 777, ushort window = 500, byte ttl = 64)
    {
        int ip = version == 4 ? 20 + ipOptions : 40;
        int tcpHeader = 20 + tcpOptions;
        var p = new byte[ip + tcpHeader + payload.Length];
        WriteIp(p, version, ip, ProtocolTcp, id, ttl);
        var t = p.AsSpan(ip);
        BinaryPrimitives.WriteUInt16BigEndian(t, 40000);
        BinaryPrimitives.WriteUInt16BigEndian(t[2..], 5201);
        BinaryPrimitives.WriteUInt32BigEndian(t[4..], seq);
        BinaryPrimitives.WriteUInt32BigEndian(t[8..], ack);
        t[12] = (byte)((tcpHeader / 4) << 4);
        t[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(t[14..], window);
        for (int i = 20; i < tcpHeader; i++)
        {
            t[i] = i + 1 == tcpHeader ? (byte)0 : (byte)1; // NOPs then an end-of-options
        }

        if (tcpOptions >= 12)
        {
            t[20] = 1;
            t[21] = 1;
            t[22] = 8; // timestamp option kind 8 length 10
            t[23] = 10;
            BinaryPrimitives.WriteUInt32BigEndian(t[24..], 0xaabbccdd);
            BinaryPrimitives.WriteUInt32BigEndian(t[28..], 0x11223344);
        }

        payload.CopyTo(t[tcpHeader..]);
        FinishL4(p, ip, ProtocolTcp, 16);
        return p;
    }

    /// <summary>A UDP packet with valid checksums; ports 40001 → 5202.</summary>
    public static byte[] Udp(int version, ReadOnlySpan<byte> payload, ushort id = 0x4321)
    {
        int ip = version == 4 ? 20 : 40;
        var p = new byte[ip + 8 + payload.Length];
        WriteIp(p, version, ip, ProtocolUdp, id, 64);
        var u = p.AsSpan(ip);
        BinaryPrimitives.WriteUInt16BigEndian(u, 40001);
        BinaryPrimitives.WriteUInt16BigEndian(u[2..], 5202);
        BinaryPrimitives.WriteUInt16BigEndian(u[4..], (ushort)Math.Min(65535, 8 + payload.Length));
        payload.CopyTo(u[8..]);
        FinishL4(p, ip, ProtocolUdp, 6);
        return p;
    }

    /// <summary>
    /// Turns a packet into what a TUN read with offloads gives: its L4 checksum field replaced by the pseudo-header
    /// sum (NEEDS_CSUM), and the header for <paramref name="gsoType"/> and <paramref name="gsoSize"/>.
    /// </summary>
    public static VirtioNetHeader AsSuperPacket(byte[] packet, byte gsoType, int gsoSize)
    {
        int ip = IpHeaderLength(packet);
        byte protocol = Protocol(packet);
        int field = protocol == ProtocolTcp ? 16 : 6;
        int l4Length = packet.Length - ip;
        var pseudo = PseudoHeader(packet, protocol, l4Length);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(ip + field), NaiveSum(pseudo));
        return new VirtioNetHeader
        {
            Flags = VirtioNetHeader.FlagNeedsChecksum,
            GsoType = gsoType,
            HeaderLength = (ushort)(ip + L4HeaderLength(packet)),
            GsoSize = (ushort)gsoSize,
            ChecksumStart = (ushort)ip,
            ChecksumOffset = (ushort)field,
        };
    }

    private static void WriteIp(byte[] p, int version, int ip, byte protocol, ushort id, byte ttl)
    {
        if (version == 4)
        {
            p[0] = (byte)(0x40 | (ip / 4));
            p[1] = 0;
            BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), (ushort)Math.Min(65535, p.Length));
            BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(4), id);
            p[6] = 0x40; // DF
            p[8] = ttl;
            p[9] = protocol;
            Source4.CopyTo(p, 12);
            Destination4.CopyTo(p, 16);
            for (int i = 20; i < ip; i++)
            {
                p[i] = 1; // NOP options
            }

            BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(10), (ushort)~NaiveSum(p.AsSpan(0, ip)));
        }
        else
        {
            p[0] = 0x60;
            BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(4), (ushort)(p.Length - 40));
            p[6] = protocol;
            p[7] = ttl;
            Source6.CopyTo(p, 8);
            Destination6.CopyTo(p, 24);
        }
    }

    private static void FinishL4(byte[] p, int ip, byte protocol, int field)
    {
        var pseudo = PseudoHeader(p, protocol, p.Length - ip);
        ushort sum = (ushort)~NaiveSum(pseudo.Concat(p.AsSpan(ip).ToArray()).ToArray());
        if (protocol == ProtocolUdp && sum == 0)
        {
            sum = 0xffff;
        }

        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(ip + field), sum);
    }
}
