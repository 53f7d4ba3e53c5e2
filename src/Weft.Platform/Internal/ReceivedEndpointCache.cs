using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Weft.Platform.Internal;

/// <summary>
/// Turns the raw source address of a received datagram into an <see cref="IPEndPoint"/> without
/// allocating when the source was seen recently: a direct-mapped table keyed by address, port and
/// scope. IPv4-mapped IPv6 sources (::ffff:a.b.c.d) become plain IPv4 endpoints.
/// </summary>
/// <remarks>
/// Not thread-safe: each receive loop owns one. The key is read from the Linux sockaddr_in6 that
/// the dual-stack socket fills in:
/// <code>
///  0        2        4                 8                                   24                28
///  +--------+--------+-----------------+-----------------------------------+-----------------+
///  | family | port   | flow info       | address (16 bytes, network order) | scope id (u32)  |
///  |  (10)  | (BE)   | (ignored)       |                                   |                 |
///  +--------+--------+-----------------+-----------------------------------+-----------------+
/// </code>
/// A miss converts through the runtime's own <see cref="IPEndPoint.Create(SocketAddress)"/>,
/// so the layout is only trusted for the cache key, never for the reported endpoint.
/// </remarks>
internal sealed class ReceivedEndpointCache
{
    private const int Size = 1024; // power of two

    private readonly Entry[] _entries = new Entry[Size];
    private readonly IPEndPoint _template = new(IPAddress.IPv6Any, 0);

    private struct Entry
    {
        public UInt128 Address;
        public ushort Port;
        public uint Scope;
        public IPEndPoint? EndPoint;
    }

    /// <summary>Hits since creation (for tests and diagnostics).</summary>
    public long Hits { get; private set; }

    /// <summary>Misses since creation.</summary>
    public long Misses { get; private set; }

    /// <summary>The endpoint for a source the runtime filled in (recvfrom into a <see cref="SocketAddress"/>).</summary>
    public IPEndPoint Get(SocketAddress address)
    {
        if (address.Family != AddressFamily.InterNetworkV6 || address.Size < 28)
        {
            Misses++;
            return Convert(address);
        }

        return Get(address.Buffer.Span[..address.Size]);
    }

    /// <summary>
    /// The endpoint for a raw sockaddr_in6 the kernel wrote (recvmmsg's msg_name, <paramref name="raw"/> sized by
    /// msg_namelen). Allocates only on a miss.
    /// </summary>
    public IPEndPoint Get(ReadOnlySpan<byte> raw)
    {
        if (raw.Length < 28)
        {
            Misses++;
            return Convert(raw);
        }

        UInt128 ip = BinaryPrimitives.ReadUInt128BigEndian(raw.Slice(8, 16));
        ushort port = BinaryPrimitives.ReadUInt16BigEndian(raw.Slice(2, 2));
        uint scope = BinaryPrimitives.ReadUInt32LittleEndian(raw.Slice(24, 4));
        ulong mixed = (ulong)ip ^ (ulong)(ip >> 64) ^ ((ulong)port << 32) ^ scope;
        int slot = (int)((mixed * 0x9E3779B97F4A7C15UL) >> 54) & (Size - 1);

        ref Entry entry = ref _entries[slot];
        if (entry.EndPoint is not null && entry.Address == ip && entry.Port == port && entry.Scope == scope)
        {
            Hits++;
            return entry.EndPoint;
        }

        Misses++;
        var endPoint = Convert(raw);
        entry = new Entry { Address = ip, Port = port, Scope = scope, EndPoint = endPoint };
        return endPoint;
    }

    private IPEndPoint Convert(ReadOnlySpan<byte> raw)
    {
        // The runtime's SocketAddress holds the native sockaddr bytes on Linux, so the kernel's bytes go in as they are.
        var address = new SocketAddress(AddressFamily.InterNetworkV6, Math.Max(raw.Length, 28));
        raw.CopyTo(address.Buffer.Span);
        return Convert(address);
    }

    private IPEndPoint Convert(SocketAddress address)
    {
        var endPoint = (IPEndPoint)_template.Create(address);
        return endPoint.Address.IsIPv4MappedToIPv6
            ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port)
            : endPoint;
    }
}
