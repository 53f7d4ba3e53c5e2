using System.Net;

namespace Weft.Simulation;

/// <summary>
/// A machine in the simulated network: one or more <see cref="HostInterface"/>s (addresses on
/// segments), UDP-like sockets from <see cref="Bind"/>, a deterministic <see cref="Random"/> for
/// the code running on it, and its own <see cref="Counters"/>.
/// </summary>
/// <remarks>
/// Routing is the simple host kind: a destination inside an attached segment's prefix goes there
/// directly; otherwise to an attached transit segment (the internet); otherwise to the gateway of
/// an attached LAN. A host does not forward datagrams that are not addressed to it
/// (<see cref="NatRouter"/> does).
/// </remarks>
public class Host
{
    private const int FirstEphemeralPort = 49152;
    private readonly List<HostInterface> interfaces = [];
    private readonly Dictionary<int, SimSocket> sockets = [];
    private int nextEphemeral = FirstEphemeralPort;

    internal Host(SimNetwork network, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Network = network;
        Name = name;
        Random = SeededRandom.ForStream(network.Seed, "host:" + name);
    }

    public SimNetwork Network { get; }

    public string Name { get; }

    /// <summary>This host's attachments, in the order they were made.</summary>
    public IReadOnlyList<HostInterface> Interfaces => interfaces;

    /// <summary>The first IPv4 address of the host.</summary>
    public IPAddress Ipv4
    {
        get
        {
            foreach (var i in interfaces)
            {
                if (i.Ipv4 is { } a)
                {
                    return a;
                }
            }

            throw new InvalidOperationException($"{Name} has no IPv4 address.");
        }
    }

    /// <summary>The first IPv6 address of the host, or null when none of its segments has IPv6.</summary>
    public IPAddress? Ipv6
    {
        get
        {
            foreach (var i in interfaces)
            {
                if (i.Ipv6 is { } a)
                {
                    return a;
                }
            }

            return null;
        }
    }

    /// <summary>Randomness for the code running on this host (pass it as the node's IRandomSource).</summary>
    public SeededRandom Random { get; }

    /// <summary>The simulation's clock (pass it as the node's TimeProvider).</summary>
    public VirtualClock Clock => Network.Clock;

    /// <summary>Datagrams this host's sockets sent and received, and drops decided here or on its links.</summary>
    public TrafficCounters Counters { get; } = new();

    /// <summary>The first IPv4 address with <paramref name="port"/>, for telling peers where to send.</summary>
    public IPEndPoint EndPoint(int port) => new(Ipv4, port);

    /// <summary>
    /// Opens a UDP-like socket on <paramref name="port"/> (0 = a free ephemeral port), on all of
    /// this host's addresses. <paramref name="handler"/> may also be given later with
    /// <see cref="SimSocket.StartReceiving"/>.
    /// </summary>
    public SimSocket Bind(int port = 0, DatagramHandler? handler = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        if (port == 0)
        {
            port = AllocateEphemeralPort();
        }
        else if (sockets.ContainsKey(port))
        {
            throw new InvalidOperationException($"{Name}: port {port} is already bound.");
        }

        var socket = new SimSocket(this, port, handler);
        sockets.Add(port, socket);
        return socket;
    }

    /// <summary>Attaches this host to another segment (multi-homing), with the next free or the given addresses.</summary>
    public HostInterface Attach(Segment segment, IPAddress? ipv4 = null, IPAddress? ipv6 = null)
    {
        ArgumentNullException.ThrowIfNull(segment);
        if (InterfaceOn(segment) is not null)
        {
            throw new InvalidOperationException($"{Name} is already attached to {segment.Name}.");
        }

        return segment.Attach(this, ipv4, ipv6);
    }

    /// <summary>This host's attachment to <paramref name="segment"/>, or null.</summary>
    public HostInterface? InterfaceOn(Segment segment)
    {
        foreach (var i in interfaces)
        {
            if (i.Segment == segment)
            {
                return i;
            }
        }

        return null;
    }

    public override string ToString() => Name;

    internal void AddInterface(HostInterface attachment) => interfaces.Add(attachment);

    internal void RemoveInterface(HostInterface attachment) => interfaces.Remove(attachment);

    internal void Unbind(SimSocket socket)
    {
        if (sockets.TryGetValue(socket.Port, out var bound) && bound == socket)
        {
            sockets.Remove(socket.Port);
        }
    }

    /// <summary>A socket's datagram leaves this host. The bytes are copied before this returns.</summary>
    internal void Send(int sourcePort, ReadOnlySpan<byte> datagram, SimEndpoint destination, int ttl = SimNetwork.HopLimit)
    {
        var network = Network;
        Counters.CountSent();
        network.Counters.CountSent();

        if (Owns(destination.Address))
        {
            var loop = network.Rent(datagram);
            loop.Source = new SimEndpoint(destination.Address, sourcePort);
            loop.Destination = destination;
            loop.Target = null;
            loop.LoopbackHost = this;
            if (network.Trace.Enabled)
            {
                network.Trace.Packet("send", Name, loop.Source, destination, loop.Length, "(loopback)");
            }

            network.Clock.ScheduleAt(network.Clock.Ticks, loop, 0);
            return;
        }

        if (!TryRoute(destination.Address, out var via, out var nextHop) || via.AddressFor(destination.Address.IsV6) is not { } local)
        {
            var orphan = network.Rent(datagram);
            orphan.Source = new SimEndpoint(default, sourcePort);
            orphan.Destination = destination;
            network.Drop(orphan, DropReason.NoRoute, this, null);
            return;
        }

        var packet = network.Rent(datagram);
        packet.Ttl = ttl;
        packet.Source = new SimEndpoint(local, sourcePort);
        packet.Destination = destination;
        if (network.Trace.Enabled)
        {
            network.Trace.Packet("send", Name, packet.Source, destination, packet.Length);
        }

        via.Transmit(packet, nextHop);
    }

    /// <summary>A datagram arrived on <paramref name="via"/>. Takes ownership of the packet.</summary>
    internal virtual void Receive(SimPacket packet, HostInterface via)
    {
        if (Owns(packet.Destination.Address))
        {
            Deliver(packet);
        }
        else
        {
            Network.Drop(packet, DropReason.NoRoute, this, via.Segment);
        }
    }

    /// <summary>Hands the datagram to the socket bound to its port, or drops it. Takes ownership.</summary>
    internal void Deliver(SimPacket packet)
    {
        var network = Network;
        if (!sockets.TryGetValue(packet.Destination.Port, out var socket) || socket.Handler is not { } handler)
        {
            network.Drop(packet, DropReason.NoListener, this, null);
            return;
        }

        Counters.CountDelivered(packet.Length);
        network.Counters.CountDelivered(packet.Length);
        if (network.Trace.Enabled)
        {
            network.Trace.Packet("deliver", Name, packet.Source, packet.Destination, packet.Length);
        }

        try
        {
            handler(packet.Data, network.Endpoints.Get(packet.Source));
        }
        finally
        {
            network.Release(packet);
        }
    }

    internal bool Owns(SimAddress address)
    {
        foreach (var i in interfaces)
        {
            if (i.V4 == address || i.V6 == address)
            {
                return true;
            }
        }

        return false;
    }

    internal bool OwnsPort(int port) => sockets.ContainsKey(port);

    /// <summary>Chooses the attachment and next hop for <paramref name="destination"/>.</summary>
    internal bool TryRoute(SimAddress destination, out HostInterface via, out SimAddress nextHop)
    {
        var v6 = destination.IsV6;
        foreach (var i in interfaces)
        {
            if (i.Segment.IsOnLink(destination) && i.AddressFor(v6) is not null)
            {
                via = i;
                nextHop = destination;
                return true;
            }
        }

        foreach (var i in interfaces)
        {
            if (i.Segment.IsTransit && i.AddressFor(v6) is not null)
            {
                via = i;
                nextHop = destination;
                return true;
            }
        }

        foreach (var i in interfaces)
        {
            if (i.GatewayFor(v6) is { } gateway && i.AddressFor(v6) is not null)
            {
                via = i;
                nextHop = gateway;
                return true;
            }
        }

        via = null!;
        nextHop = default;
        return false;
    }

    private int AllocateEphemeralPort()
    {
        for (var tries = 0; tries < 65536 - FirstEphemeralPort; tries++)
        {
            var port = nextEphemeral;
            nextEphemeral = nextEphemeral == 65535 ? FirstEphemeralPort : nextEphemeral + 1;
            if (!sockets.ContainsKey(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"{Name}: no free ephemeral port.");
    }
}
