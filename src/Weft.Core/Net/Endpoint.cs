using System.Buffers.Binary;

namespace Weft.Core.Net;

/// <summary>
/// Where a WireGuard datagram goes or came from: a UDP address (<see cref="UdpEndpoint"/>), one
/// framed TCP/TLS connection (<see cref="StreamConnection"/>) or "through the mesh toward this
/// node" (<see cref="RelayEndpoint"/>). Immutable. Compared with <see cref="Equals(Endpoint?)"/>:
/// value semantics for UDP and relay endpoints, reference identity for stream connections.
/// </summary>
/// <remarks>
/// <see cref="ToString"/> gives the form used in status and the peer cache:
/// "udp 1.2.3.4:51820", "tcp 1.2.3.4:51820", "tls 1.2.3.4:443", "relay &lt;node id&gt;".
/// </remarks>
public abstract class Endpoint : IEquatable<Endpoint>
{
    /// <summary>Bytes <see cref="WriteCookieIdentity"/> may write.</summary>
    internal const int CookieIdentityMaxSize = 19;

    private protected Endpoint()
    {
    }

    public abstract TransportKind Kind { get; }

    public abstract bool Equals(Endpoint? other);

    public sealed override bool Equals(object? obj) => obj is Endpoint other && Equals(other);

    public abstract override int GetHashCode();

    public abstract override string ToString();

    public static bool operator ==(Endpoint? left, Endpoint? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(Endpoint? left, Endpoint? right) => !(left == right);

    /// <summary>
    /// The bytes WireGuard's cookie mechanism binds a cookie to ("the source IP and port" for UDP;
    /// the remote IP and port of a stream; the destination node of a relay endpoint), prefixed by
    /// the kind so the spaces never collide. Returns the length written (at most <see cref="CookieIdentityMaxSize"/>).
    /// </summary>
    internal int WriteCookieIdentity(Span<byte> destination)
    {
        destination[0] = (byte)Kind;
        switch (this)
        {
            case UdpEndpoint udp:
                return 1 + WriteAddress(udp.Address, destination[1..]);
            case StreamConnection stream:
                return 1 + WriteAddress(stream.Remote, destination[1..]);
            case RelayEndpoint relay:
                relay.Destination.WriteTo(destination[1..]);
                return 1 + Identity.NodeId.Size;
            default:
                return 1;
        }
    }

    private static int WriteAddress(System.Net.IPEndPoint address, Span<byte> destination)
    {
        if (!address.Address.TryWriteBytes(destination, out var written))
        {
            throw new InvalidOperationException("An IP address is at most 16 bytes.");
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination[written..], (ushort)address.Port);
        return written + 2;
    }
}
