using System.Net;
using Weft.Core.Net;

namespace Weft.Core.Tests.Node;

/// <summary>
/// A tiny in-memory underlay for the node tests: every host has an endpoint; a datagram sent is
/// copied into a preallocated ring and delivered when the test calls <see cref="Pump"/>, so no
/// host is ever re-entered from inside its own send and nothing allocates per datagram.
/// </summary>
internal sealed class InMemoryNetwork
{
    public delegate void Receiver(Span<byte> datagram, IPEndPoint source);

    /// <summary>Decides whether a datagram gets through (true) or is lost (false).</summary>
    public delegate bool Filter(ReadOnlySpan<byte> datagram, IPEndPoint source, IPEndPoint destination);

    private const int SlotSize = 2048;
    private const int Capacity = 1024;

    private readonly Lock gate = new();
    private readonly Dictionary<IPEndPoint, Receiver> hosts = [];
    private readonly byte[][] slots = new byte[Capacity][];
    private readonly int[] lengths = new int[Capacity];
    private readonly IPEndPoint?[] sources = new IPEndPoint?[Capacity];
    private readonly IPEndPoint?[] destinations = new IPEndPoint?[Capacity];
    private readonly byte[] delivery = new byte[SlotSize];
    private int head;
    private int count;

    public InMemoryNetwork()
    {
        for (var i = 0; i < Capacity; i++)
        {
            slots[i] = new byte[SlotSize];
        }
    }

    public Filter? Loss { get; set; }

    public long Sent { get; private set; }

    public long Delivered { get; private set; }

    public long Lost { get; private set; }

    /// <summary>Datagrams sent from one endpoint to another, by (source, destination).</summary>
    public Dictionary<(IPEndPoint, IPEndPoint), int> Traffic { get; } = [];

    public bool CountTraffic { get; set; } = true;

    public void Attach(IPEndPoint endpoint, Receiver receiver)
    {
        lock (gate)
        {
            hosts[endpoint] = receiver;
        }
    }

    public IDatagramTransport Port(IPEndPoint endpoint) => new NetworkPort(this, endpoint);

    public void Send(ReadOnlySpan<byte> datagram, IPEndPoint source, IPEndPoint destination)
    {
        lock (gate)
        {
            Sent++;
            if (CountTraffic)
            {
                Traffic[(source, destination)] = Traffic.GetValueOrDefault((source, destination)) + 1;
            }

            if (count == Capacity || datagram.Length > SlotSize || (Loss is { } loss && !loss(datagram, source, destination)))
            {
                Lost++;
                return;
            }

            var index = (head + count) % Capacity;
            datagram.CopyTo(slots[index]);
            lengths[index] = datagram.Length;
            sources[index] = source;
            destinations[index] = destination;
            count++;
        }
    }

    /// <summary>Delivers queued datagrams (and those sent while delivering) until the queue is empty or <paramref name="limit"/> is reached.</summary>
    public int Pump(int limit = 100_000)
    {
        var delivered = 0;
        while (delivered < limit)
        {
            Receiver? receiver;
            IPEndPoint source;
            int length;
            lock (gate)
            {
                if (count == 0)
                {
                    return delivered;
                }

                length = lengths[head];
                slots[head].AsSpan(0, length).CopyTo(delivery);
                source = sources[head]!;
                hosts.TryGetValue(destinations[head]!, out receiver);
                sources[head] = null;
                destinations[head] = null;
                head = (head + 1) % Capacity;
                count--;
                Delivered++;
            }

            receiver?.Invoke(delivery.AsSpan(0, length), source);
            delivered++;
        }

        return delivered;
    }

    public int TrafficBetween(IPEndPoint source, IPEndPoint destination)
    {
        lock (gate)
        {
            return Traffic.GetValueOrDefault((source, destination));
        }
    }

    /// <summary>A sender for a bare WireGuard device on this network (UDP endpoints only).</summary>
    public IEndpointSender DevicePort(IPEndPoint endpoint) => new NetworkPort(this, endpoint);

    private sealed class NetworkPort(InMemoryNetwork network, IPEndPoint local) : IDatagramTransport, IEndpointSender
    {
        public void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination) => network.Send(datagram, local, destination);

        public void Send(ReadOnlySpan<byte> datagram, Endpoint destination) => network.Send(datagram, local, ((UdpEndpoint)destination).Address);
    }
}
