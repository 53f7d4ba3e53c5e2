using System.Net;
using Weft.Core.Net;

namespace Weft.Simulation;

/// <summary>
/// A UDP-like socket on a simulated <see cref="Host"/>: the <see cref="IDatagramTransport"/> a
/// node under test sends through, and the <see cref="DatagramHandler"/> it receives with.
/// Bound to one port on all of the host's addresses; the source address of each datagram is the
/// address of the attachment it leaves through.
/// </summary>
/// <remarks>
/// <see cref="Send"/> copies the datagram before returning and never throws for network reasons:
/// an unroutable or filtered datagram is a counted drop, as on a real network. It must be called
/// on the simulation's thread (from a handler, a timer, or test code between runs).
/// </remarks>
public sealed class SimSocket : IDatagramTransport, IDisposable
{
    internal SimSocket(Host host, int port, DatagramHandler? handler)
    {
        Host = host;
        Port = port;
        Handler = handler;
    }

    public Host Host { get; }

    public int Port { get; }

    /// <summary>The host's first IPv4 address and this socket's port.</summary>
    public IPEndPoint LocalEndPoint => new(Host.Ipv4, Port);

    /// <summary>Receives arriving datagrams; null = datagrams are dropped as NoListener.</summary>
    public DatagramHandler? Handler { get; private set; }

    public bool IsClosed { get; private set; }

    /// <summary>Sets (or replaces) the handler, e.g. a node's <c>OnDatagram</c> once the node exists.</summary>
    public void StartReceiving(DatagramHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Handler = handler;
    }

    public void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (IsClosed)
        {
            Host.Counters.CountDrop(DropReason.SocketClosed);
            Host.Network.Counters.CountDrop(DropReason.SocketClosed);
            return;
        }

        Host.Send(Port, datagram, SimEndpoint.From(destination));
    }

    /// <summary>
    /// Sends with an IP TTL: the datagram crosses at most <paramref name="ttl"/> links (the host's own and one per
    /// router that forwards it), then it is dropped as <see cref="DropReason.HopLimit"/>. So TTL 2 from a host behind
    /// a NAT passes its NAT and reaches the next segment, and dies at the next router.
    /// </summary>
    public void SendWithTtl(ReadOnlySpan<byte> datagram, IPEndPoint destination, int ttl)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfLessThan(ttl, 1);
        if (IsClosed)
        {
            Host.Counters.CountDrop(DropReason.SocketClosed);
            Host.Network.Counters.CountDrop(DropReason.SocketClosed);
            return;
        }

        Host.Send(Port, datagram, SimEndpoint.From(destination), ttl);
    }

    public void Dispose()
    {
        if (!IsClosed)
        {
            IsClosed = true;
            Handler = null;
            Host.Unbind(this);
        }
    }

    public override string ToString() => $"{Host.Name}:{Port}";
}
