using System.Net;

namespace Weft.Core.Net;

/// <summary>
/// What happens on stream connections, as the core (the mesh node) receives it. Called by the
/// stream implementation from its own threads; none of the calls block for long or throw.
/// </summary>
public interface IStreamHandler
{
    /// <summary>An outbound connection completed or an inbound one was accepted.</summary>
    void OnStreamConnected(StreamConnection connection);

    /// <summary>One de-framed datagram (a hello or a WireGuard message); valid only during the call.</summary>
    void OnStreamDatagram(Span<byte> datagram, StreamConnection connection);

    /// <summary>The connection ended (either side, or an error); it will carry nothing more.</summary>
    void OnStreamClosed(StreamConnection connection);

    /// <summary>An outbound <see cref="IStreamConnector.Connect"/> did not succeed.</summary>
    void OnStreamConnectFailed(IPEndPoint remote, TransportKind kind, string reason);
}
