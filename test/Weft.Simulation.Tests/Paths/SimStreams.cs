using System.Net;
using Weft.Core.Net;

namespace Weft.Simulation.Tests.Paths;

/// <summary>
/// TCP/TLS for simulated hosts, beside the packet network: listeners by (address, kind), connectors
/// that pair two <see cref="SimStreamConnection"/>s, and every event (connected, datagram, closed,
/// refused) delivered after <see cref="Latency"/> on the virtual clock. It models the way out that
/// networks which drop UDP still allow: it ignores the segments' cuts and NAT, so a test decides
/// what streams may do with <see cref="Blocked"/> and <see cref="Sever"/>.
/// </summary>
internal sealed class SimStreams(VirtualClock clock)
{
    private readonly Dictionary<(IPEndPoint, TransportKind), IStreamHandler> listeners = [];
    private int nextPort = 40000;

    public TimeSpan Latency { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>True refuses a connection from the host to (remote, kind), like a firewall.</summary>
    public Func<Host, IPEndPoint, TransportKind, bool>? Blocked { get; set; }

    public List<SimStreamConnection> Connections { get; } = [];

    public void Listen(IPEndPoint address, TransportKind kind, IStreamHandler handler) => listeners[(address, kind)] = handler;

    public Connector ConnectorFor(Host host) => new(this, host);

    /// <summary>Closes open connections matching <paramref name="which"/>; both ends hear of it after the latency.</summary>
    public void Sever(Func<SimStreamConnection, bool> which)
    {
        foreach (var connection in Connections.ToArray())
        {
            if (!connection.Closed && which(connection))
            {
                connection.Close();
            }
        }
    }

    internal void Later(Action action) => clock.Schedule(Latency, action);

    private void Connect(Connector from, IPEndPoint remote, TransportKind kind)
    {
        var handler = from.Handler ?? throw new InvalidOperationException("The connector has no handler yet.");
        if (!listeners.TryGetValue((remote, kind), out var server) || (Blocked?.Invoke(from.Host, remote, kind) ?? false))
        {
            Later(() => handler.OnStreamConnectFailed(remote, kind, "connection refused"));
            return;
        }

        var local = new IPEndPoint(from.Host.Ipv4, nextPort++);
        var outbound = new SimStreamConnection(this, remote, kind, outbound: true, handler);
        var inbound = new SimStreamConnection(this, local, kind, outbound: false, server);
        outbound.Peer = inbound;
        inbound.Peer = outbound;
        Connections.Add(outbound);
        Connections.Add(inbound);
        Later(() =>
        {
            server.OnStreamConnected(inbound);
            handler.OnStreamConnected(outbound);
        });
    }

    /// <summary>One host's <see cref="IStreamConnector"/>.</summary>
    internal sealed class Connector(SimStreams streams, Host host) : IStreamConnector
    {
        public Host Host { get; } = host;

        public IStreamHandler? Handler { get; set; }

        public void Connect(IPEndPoint remote, TransportKind kind) => streams.Connect(this, remote, kind);
    }
}

/// <summary>One end of a simulated stream: datagrams reach the other end's handler after the latency, in order.</summary>
internal sealed class SimStreamConnection(SimStreams streams, IPEndPoint remote, TransportKind kind, bool outbound, IStreamHandler owner)
    : StreamConnection
{
    public override TransportKind Kind { get; } = kind;

    public override IPEndPoint Remote { get; } = remote;

    public override bool Outbound { get; } = outbound;

    public SimStreamConnection? Peer { get; set; }

    public bool Closed { get; private set; }

    public int Sent { get; private set; }

    public int Dropped { get; private set; }

    public override void Send(ReadOnlySpan<byte> datagram)
    {
        if (Closed || Peer is not { } peer)
        {
            Dropped++;
            return;
        }

        Sent++;
        var copy = datagram.ToArray();
        streams.Later(() =>
        {
            if (!peer.Closed)
            {
                peer.Owner.OnStreamDatagram(copy, peer);
            }
        });
    }

    public override void Close()
    {
        if (Closed)
        {
            return;
        }

        Closed = true;
        streams.Later(() => Owner.OnStreamClosed(this));
        Peer?.Close();
    }

    internal IStreamHandler Owner { get; } = owner;
}
