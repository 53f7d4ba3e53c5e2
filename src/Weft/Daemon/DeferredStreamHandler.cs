using System.Net;
using Weft.Core.Net;

namespace Weft.Daemon;

/// <summary>
/// Breaks the construction cycle between the stream transport and the mesh node: the transport
/// needs its handler (the node) and the node needs the transport (its connector). The daemon gives
/// the transport this forwarder, builds the node, points <see cref="Target"/> at it, and only then
/// starts the transport, so no event arrives before the target is set.
/// </summary>
internal sealed class DeferredStreamHandler : IStreamHandler
{
    private IStreamHandler? _target;

    /// <summary>The real handler; set once, before the transport starts.</summary>
    public IStreamHandler Target
    {
        get => Volatile.Read(ref _target) ?? throw new InvalidOperationException("stream events arrived before the node was set");
        set => Volatile.Write(ref _target, value);
    }

    public void OnStreamConnected(StreamConnection connection) => Target.OnStreamConnected(connection);

    public void OnStreamDatagram(Span<byte> datagram, StreamConnection connection) => Target.OnStreamDatagram(datagram, connection);

    public void OnStreamClosed(StreamConnection connection) => Target.OnStreamClosed(connection);

    public void OnStreamConnectFailed(IPEndPoint remote, TransportKind kind, string reason) => Target.OnStreamConnectFailed(remote, kind, reason);
}
