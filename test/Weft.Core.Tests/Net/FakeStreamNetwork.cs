using System.Net;
using Weft.Core.Net;

namespace Weft.Core.Tests.Net;

/// <summary>
/// In-memory TCP/TLS for node tests: listeners by (address, kind), connectors that pair two
/// <see cref="FakeStreamConnection"/>s, and a queue of events (connected, datagram, closed, failed)
/// delivered by <see cref="Pump"/> so no node is re-entered from its own call. <see cref="Blocked"/>
/// refuses chosen connections (like a firewall); <see cref="Sever"/> cuts live ones.
/// </summary>
internal sealed class FakeStreamNetwork
{
    private readonly Dictionary<(IPEndPoint, TransportKind), IStreamHandler> listeners = [];
    private readonly Queue<Action> events = new();

    /// <summary>True refuses a connection from (local address) to (remote, kind).</summary>
    public Func<IPEndPoint, IPEndPoint, TransportKind, bool>? Blocked { get; set; }

    /// <summary>Every connection made, both ends.</summary>
    public List<FakeStreamConnection> Connections { get; } = [];

    public int ConnectAttempts { get; private set; }

    public void Listen(IPEndPoint address, TransportKind kind, IStreamHandler handler) => listeners[(address, kind)] = handler;

    /// <summary>A connector for the host at <paramref name="local"/>; set its <see cref="Connector.Handler"/> once the node exists.</summary>
    public Connector ConnectorFor(IPEndPoint local) => new(this, local);

    /// <summary>Delivers queued events (and those they cause) until none are left; bounded.</summary>
    public int Pump(int limit = 100_000)
    {
        var n = 0;
        while (n < limit && events.TryDequeue(out var next))
        {
            next();
            n++;
        }

        return n;
    }

    /// <summary>Closes every open connection matching <paramref name="which"/> (both ends are told).</summary>
    public void Sever(Func<FakeStreamConnection, bool> which)
    {
        foreach (var connection in Connections.ToArray())
        {
            if (!connection.Closed && which(connection))
            {
                events.Enqueue(connection.Close);
            }
        }
    }

    private void Connect(Connector from, IPEndPoint remote, TransportKind kind)
    {
        ConnectAttempts++;
        var handler = from.Handler ?? throw new InvalidOperationException("The connector has no handler yet.");
        var key = listeners.Keys.FirstOrDefault(k => k.Item2 == kind && k.Item1.Equals(remote));
        if (key.Item1 is null || (Blocked?.Invoke(from.Local, remote, kind) ?? false))
        {
            events.Enqueue(() => handler.OnStreamConnectFailed(remote, kind, "connection refused"));
            return;
        }

        var server = listeners[key];
        var outbound = new FakeStreamConnection(remote, kind, outbound: true) { Owner = handler };
        var inbound = new FakeStreamConnection(from.Local, kind, outbound: false) { Owner = server };
        outbound.Other = (server, inbound);
        inbound.Other = (handler, outbound);
        outbound.Deliver = inbound.Deliver = (data, target, connection) => events.Enqueue(() =>
        {
            if (!connection.Closed)
            {
                target.OnStreamDatagram(data, connection);
            }
        });
        Connections.Add(outbound);
        Connections.Add(inbound);
        events.Enqueue(() =>
        {
            server.OnStreamConnected(inbound);
            handler.OnStreamConnected(outbound);
        });
    }

    /// <summary>One host's <see cref="IStreamConnector"/>.</summary>
    internal sealed class Connector(FakeStreamNetwork network, IPEndPoint local) : IStreamConnector
    {
        public IPEndPoint Local { get; } = local;

        public IStreamHandler? Handler { get; set; }

        public void Connect(IPEndPoint remote, TransportKind kind) => network.Connect(this, remote, kind);
    }
}
