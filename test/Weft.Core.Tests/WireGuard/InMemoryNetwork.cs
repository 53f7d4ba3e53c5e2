using System.Net;
using Weft.Core.Net;
using Weft.Core.WireGuard;
using Weft.Tests;

namespace Weft.Core.Tests.WireGuard;

/// <summary>
/// A tiny in-memory underlay for WireGuard device tests: hosts with an endpoint each, datagrams
/// either queued (delivered by <see cref="Pump"/>) or delivered synchronously inside Send
/// (<see cref="Synchronous"/>, allocation-free, used by the allocation test). A <see cref="Tap"/> sees
/// every datagram and may drop it.
/// </summary>
internal sealed class InMemoryNetwork
{
    private const int MaxDatagram = 2048;
    private const int MaxDepth = 32;

    private readonly Dictionary<IPEndPoint, TestHost> hosts = [];
    private readonly Queue<Datagram> inFlight = new();
    private readonly byte[][] syncBuffers = Enumerable.Range(0, MaxDepth).Select(_ => new byte[MaxDatagram]).ToArray();
    private int syncDepth;

    /// <summary>Deliver inside Send instead of queueing.</summary>
    public bool Synchronous { get; set; }

    /// <summary>Sees each datagram as it is sent; return false to drop it.</summary>
    public Func<Datagram, bool>? Tap { get; set; }

    public int Delivered { get; private set; }

    public TestHost AddHost(IPEndPoint endpoint, byte[] privateKey, TimeProvider time, IRandomSource? random = null)
    {
        var transport = new HostTransport(this) { Endpoint = endpoint };
        var events = new RecordingEvents();
        var device = new WireGuardDevice(privateKey, transport, time, events, logger: null, random);
        var host = new TestHost(device, transport, events);
        hosts.Add(endpoint, host);
        return host;
    }

    /// <summary>Moves a host to a new endpoint (roaming): later datagrams come from and go to the new one.</summary>
    public void Move(TestHost host, IPEndPoint newEndpoint)
    {
        hosts.Remove(host.Endpoint);
        host.Transport.Endpoint = newEndpoint;
        hosts.Add(newEndpoint, host);
    }

    /// <summary>Delivers queued datagrams (and the ones they cause) until none are left; bounded.</summary>
    public int Pump(int max = 10_000)
    {
        var n = 0;
        while (n < max && inFlight.TryDequeue(out var d))
        {
            Deliver(d.Data, d.From, d.To);
            n++;
        }

        return n;
    }

    /// <summary>Injects a datagram as if <paramref name="from"/> had sent it (for replays and garbage).</summary>
    public void Inject(byte[] data, IPEndPoint from, IPEndPoint to) => inFlight.Enqueue(new Datagram(data.ToArray(), from, to));

    private void Send(ReadOnlySpan<byte> datagram, IPEndPoint from, IPEndPoint to)
    {
        if (Tap is { } tap && !tap(new Datagram(datagram.ToArray(), from, to)))
        {
            return;
        }

        if (!Synchronous)
        {
            inFlight.Enqueue(new Datagram(datagram.ToArray(), from, to));
            return;
        }

        if (syncDepth >= MaxDepth)
        {
            throw new InvalidOperationException("Synchronous delivery nested too deep.");
        }

        var buffer = syncBuffers[syncDepth++];
        try
        {
            datagram.CopyTo(buffer);
            Deliver(buffer.AsSpan(0, datagram.Length), from, to);
        }
        finally
        {
            syncDepth--;
        }
    }

    private void Deliver(Span<byte> data, IPEndPoint from, IPEndPoint to)
    {
        if (hosts.TryGetValue(to, out var host))
        {
            Delivered++;
            host.Device.ReceiveDatagram(data, UdpEndpoint.Of(from));
        }
    }

    internal sealed record Datagram(byte[] Data, IPEndPoint From, IPEndPoint To)
    {
        public byte Type => Data.Length > 0 ? Data[0] : (byte)0;
    }

    internal sealed class HostTransport(InMemoryNetwork network) : IEndpointSender
    {
        public required IPEndPoint Endpoint { get; set; }

        public int Sent { get; private set; }

        /// <summary>SendBatch calls (each sends its run in order through <see cref="Send"/>).</summary>
        public int BatchCalls { get; private set; }

        public void Send(ReadOnlySpan<byte> datagram, Endpoint destination)
        {
            Sent++;
            network.Send(datagram, Endpoint, ((UdpEndpoint)destination).Address);
        }

        public void SendBatch(PacketBatch batch, int first, int count, Endpoint destination)
        {
            BatchCalls++;
            for (var i = first; i < first + count; i++)
            {
                Send(batch.Packet(i), destination);
            }
        }
    }
}

/// <summary>A device on the in-memory network with what it reported.</summary>
internal sealed record TestHost(WireGuardDevice Device, InMemoryNetwork.HostTransport Transport, RecordingEvents Events)
{
    public IPEndPoint Endpoint => Transport.Endpoint;

    /// <summary>The host's current endpoint as the device sees it.</summary>
    public UdpEndpoint At => UdpEndpoint.Of(Transport.Endpoint);
}

/// <summary>Records what a device reports; can count without allocating.</summary>
internal sealed class RecordingEvents : IWireGuardEvents
{
    public List<byte[]> Payloads { get; } = [];

    public bool RecordPayloads { get; set; } = true;

    public long PayloadCount;

    public long PayloadBytes;

    public bool AcceptUnknown { get; set; }

    public List<(WireGuardPeer Peer, bool WeInitiated)> Sessions { get; } = [];

    public List<byte[]> UnknownKeysSeen { get; } = [];

    public bool AcceptUnknownPeer(ReadOnlySpan<byte> publicKey)
    {
        UnknownKeysSeen.Add(publicKey.ToArray());
        return AcceptUnknown;
    }

    public bool OnNewSource(WireGuardPeer peer, Endpoint source) => true;


    public void OnPayload(WireGuardPeer peer, Span<byte> payload, Endpoint source)
    {
        PayloadCount++;
        PayloadBytes += payload.Length;
        if (RecordPayloads)
        {
            Payloads.Add(payload.ToArray());
        }
    }

    public void OnSessionEstablished(WireGuardPeer peer, bool weInitiated) => Sessions.Add((peer, weInitiated));
}

/// <summary>A random source that first yields scripted byte strings (one per Fill), then a seeded stream.</summary>
internal sealed class ScriptedRandom(int seed = 1) : IRandomSource
{
    private readonly Queue<byte[]> script = new();
    private readonly Random fallback = new(seed);

    public void Enqueue(byte[] bytes) => script.Enqueue(bytes);

    public void Fill(Span<byte> destination)
    {
        if (script.TryDequeue(out var next))
        {
            if (next.Length != destination.Length)
            {
                throw new InvalidOperationException($"Scripted {next.Length} random bytes but {destination.Length} were asked for.");
            }

            next.CopyTo(destination);
            return;
        }

        fallback.NextBytes(destination);
    }
}
