using System.Net;
using System.Runtime.CompilerServices;

namespace Weft.Core.Net;

/// <summary>
/// One framed TCP or TLS connection to a peer, used as an endpoint: WireGuard datagrams (and
/// hellos) travel on it with a 2-byte big-endian length in front of each. Implemented by
/// Weft.Platform (real sockets) and by fakes in tests; the implementation reports arrivals and
/// closure to an <see cref="IStreamHandler"/>.
/// </summary>
/// <remarks>Equality is reference identity: two connections to one address are different paths.</remarks>
public abstract class StreamConnection : Endpoint
{
    /// <summary>The other end's address and port.</summary>
    public abstract IPEndPoint Remote { get; }

    /// <summary>True if we connected, false if the peer connected to our listener.</summary>
    public abstract bool Outbound { get; }

    /// <summary>
    /// Frames and sends one datagram. Never throws for a dead or congested connection: the
    /// datagram is dropped and counted, as on a lossy network. Must not keep <paramref name="datagram"/>.
    /// </summary>
    public abstract void Send(ReadOnlySpan<byte> datagram);

    /// <summary>Closes the connection (the handler then gets <see cref="IStreamHandler.OnStreamClosed"/>).</summary>
    public abstract void Close();

    public sealed override bool Equals(Endpoint? other) => ReferenceEquals(this, other);

    public sealed override int GetHashCode() => RuntimeHelpers.GetHashCode(this);

    public override string ToString() => (Kind == TransportKind.Tls ? "tls " : "tcp ") + Remote;
}
