using System.Net;

namespace Weft.Core.Net;

/// <summary>
/// Opens outbound TCP or TLS connections for the core. Asynchronous: the result arrives through the
/// node's <see cref="IStreamHandler"/> (<see cref="IStreamHandler.OnStreamConnected"/> or
/// <see cref="IStreamHandler.OnStreamConnectFailed"/>). Implemented in Weft.Platform.
/// </summary>
public interface IStreamConnector
{
    /// <summary>Starts connecting to <paramref name="remote"/>; <paramref name="kind"/> is <see cref="TransportKind.Tcp"/> or <see cref="TransportKind.Tls"/>.</summary>
    void Connect(IPEndPoint remote, TransportKind kind);
}
