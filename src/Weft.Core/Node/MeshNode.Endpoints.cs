using System.Net;
using Weft.Core.Identity;
using Weft.Core.Net;

namespace Weft.Core.Node;

/// <summary>
/// The node as the WireGuard device's underlay (<see cref="IEndpointSender"/>): one datagram goes
/// out by the kind of its endpoint — UDP through the datagram transport, TCP/TLS on the stream
/// connection itself, relay as an envelope toward the next hop (MeshNode.Relay*.cs). And the node as
/// the receiver of stream events (<see cref="IStreamHandler"/>): datagrams on a stream are hellos
/// or WireGuard messages exactly like UDP ones, with the connection as their source endpoint.
/// </summary>
public sealed partial class MeshNode : IEndpointSender, IStreamHandler
{
    private readonly IDatagramTransport datagrams;
    private readonly IStreamConnector? streamConnector;
    private readonly ILanAnnouncer? lanAnnouncer;
    private readonly IPeerCacheStore? peerCacheStore;

    /// <summary>Sends one datagram (a hello or a WireGuard message) to <paramref name="destination"/>. Allocates nothing.</summary>
    public void Send(ReadOnlySpan<byte> datagram, Endpoint destination)
    {
        switch (destination)
        {
            case UdpEndpoint udp:
                datagrams.Send(datagram, udp.Address);
                break;
            case StreamConnection stream:
                stream.Send(datagram);
                break;
            case RelayEndpoint relay:
                var handled = false;
                SendRelayed(datagram, relay, ref handled);
                if (!handled)
                {
                    NodeCounterSet.Add(ref counters.TxDroppedNoRelay);
                }

                break;
            default:
                NodeCounterSet.Add(ref counters.TxDroppedNoRelay);
                break;
        }
    }

    /// <summary>
    /// Sends slots [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>) of
    /// <paramref name="batch"/> to <paramref name="destination"/>: a UDP endpoint gets the whole run in one transport call
    /// (which batches system calls); streams and relays take them one by one. Allocates nothing.
    /// </summary>
    public void SendBatch(PacketBatch batch, int first, int count, Endpoint destination)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (destination is UdpEndpoint udp)
        {
            datagrams.SendBatch(batch, first, count, udp.Address);
            return;
        }

        for (var i = first; i < first + count; i++)
        {
            Send(batch.Packet(i), destination);
        }
    }

    /// <summary>
    /// Wraps <paramref name="datagram"/> (a WireGuard message of the end-to-end session) in a relay
    /// envelope toward <paramref name="to"/> and sends it to the next hop; sets
    /// <paramref name="handled"/> when it took care of the datagram (sent, or dropped and counted).
    /// Implemented by the mesh routing part (MeshNode.Relay*.cs); without it relay sends are counted
    /// as <see cref="NodeCounters.TxDroppedNoRelay"/>.
    /// </summary>
    partial void SendRelayed(ReadOnlySpan<byte> datagram, RelayEndpoint to, ref bool handled);

    public void OnStreamConnected(StreamConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        OnStreamConnectedCore(connection);
    }

    /// <summary>A de-framed datagram from a stream: a hello, or a WireGuard message whose source endpoint is the connection.</summary>
    public void OnStreamDatagram(Span<byte> datagram, StreamConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (Hello.IsHello(datagram))
        {
            OnHello(datagram, connection);
            return;
        }

        device.ReceiveDatagram(datagram, connection);
    }

    public void OnStreamClosed(StreamConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        OnStreamClosedCore(connection);
    }

    public void OnStreamConnectFailed(IPEndPoint remote, TransportKind kind, string reason)
    {
        ArgumentNullException.ThrowIfNull(remote);
        OnStreamConnectFailedCore(remote, kind, reason);
    }
}
