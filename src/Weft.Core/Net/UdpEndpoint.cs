using System.Collections.Concurrent;
using System.Net;

namespace Weft.Core.Net;

/// <summary>A UDP address: the normal, direct way to a peer.</summary>
/// <remarks>
/// <see cref="Of"/> hands out one shared instance per address so the receive path (one call per
/// datagram) allocates nothing in steady state. The cache is keyed by value and bounded: past
/// <see cref="CacheLimit"/> distinct addresses (spoofed-source floods) it starts over, which costs
/// allocations, never correctness — two instances for one address are <see cref="Equals(Endpoint?)"/>.
/// </remarks>
public sealed class UdpEndpoint : Endpoint
{
    private const int CacheLimit = 1 << 16;
    private static readonly ConcurrentDictionary<IPEndPoint, UdpEndpoint> Cache = new();
    private static int cached;

    private UdpEndpoint(IPEndPoint address)
    {
        Address = address;
    }

    /// <summary>The IP address and port (an instance of its own; never mutate it). IPv4-mapped IPv6 addresses are stored as IPv4.</summary>
    public IPEndPoint Address { get; }

    public override TransportKind Kind => TransportKind.Udp;

    /// <summary>The shared endpoint for <paramref name="address"/> (allocates only the first time an address is seen).</summary>
    public static UdpEndpoint Of(IPEndPoint address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (Cache.TryGetValue(address, out var endpoint))
        {
            return endpoint;
        }

        // Dual-stack sockets report IPv4 peers as ::ffff:a.b.c.d; one address is one endpoint.
        var ip = address.Address.IsIPv4MappedToIPv6 ? address.Address.MapToIPv4() : address.Address;
        endpoint = new UdpEndpoint(new IPEndPoint(ip, address.Port));
        if (Interlocked.Increment(ref cached) > CacheLimit)
        {
            Cache.Clear();
            Volatile.Write(ref cached, 1);
        }

        return Cache.GetOrAdd(new IPEndPoint(address.Address, address.Port), endpoint);
    }

    public override bool Equals(Endpoint? other) =>
        ReferenceEquals(this, other) || (other is UdpEndpoint udp && udp.Address.Port == Address.Port && udp.Address.Address.Equals(Address.Address));

    public override int GetHashCode() => Address.GetHashCode();

    public override string ToString() => "udp " + Address;
}
