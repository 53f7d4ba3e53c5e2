using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Weft.Platform.Internal;

/// <summary>
/// The native socket address to send to, per destination endpoint, built once and reused so that a
/// send allocates nothing. IPv4 destinations become IPv4-mapped IPv6 (::ffff:a.b.c.d) because the
/// socket is dual-stack. Thread-safe: any number of senders.
/// </summary>
/// <remarks>
/// Keyed by value (address bytes, port, scope), not by the <see cref="IPEndPoint"/> instance, so a
/// caller mutating or re-creating endpoints is harmless. Bounded: when it holds
/// <see cref="Capacity"/> destinations it is cleared and refilled on demand.
/// </remarks>
internal sealed class DestinationAddressCache
{
    public const int Capacity = 8192;

    private readonly ConcurrentDictionary<Key, SocketAddress> _addresses = new();

    private readonly record struct Key(UInt128 Address, int Port, long Scope);

    public SocketAddress Get(IPEndPoint destination)
    {
        var address = destination.Address;
        Span<byte> bytes = stackalloc byte[16];
        bool v4 = address.AddressFamily == AddressFamily.InterNetwork;
        if (v4)
        {
            // ::ffff:a.b.c.d
            bytes[..10].Clear();
            bytes[10] = 0xff;
            bytes[11] = 0xff;
            address.TryWriteBytes(bytes[12..], out _);
        }
        else
        {
            address.TryWriteBytes(bytes, out _);
        }

        var key = new Key(System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes), destination.Port, v4 ? 0 : address.ScopeId);
        if (_addresses.TryGetValue(key, out var cached))
        {
            return cached;
        }

        return Add(key, destination);
    }

    private SocketAddress Add(Key key, IPEndPoint destination)
    {
        if (_addresses.Count >= Capacity)
        {
            _addresses.Clear();
        }

        var mapped = destination.AddressFamily == AddressFamily.InterNetwork
            ? new IPEndPoint(destination.Address.MapToIPv6(), destination.Port)
            : destination;
        return _addresses.GetOrAdd(key, mapped.Serialize());
    }
}
