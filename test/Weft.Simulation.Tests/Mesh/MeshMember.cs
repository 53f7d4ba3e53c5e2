using System.Net;
using Weft.Core.Identity;
using Weft.Core.Net;
using Weft.Core.Node;
using Weft.Core.WireGuard;

namespace Weft.Simulation.Tests.Mesh;

/// <summary>
/// A real <see cref="MeshNode"/> on a simulated host for mesh tests: its socket (wrapped so the
/// test can see every datagram the host sends and receives), a TUN capture, and a 100 ms tick.
/// </summary>
internal sealed class MeshMember : IDisposable
{
    private readonly ITimer tick;
    private readonly byte[] tunBuffer = new byte[WireGuardDevice.HeadRoom + 2048 + WireGuardDevice.TailRoom];

    public MeshMember(Host host, CertificateAuthority ca, string name, IPAddress meshAddress, bool relay = true, bool capture = false)
    {
        Host = host;
        Name = name;
        MeshAddress = meshAddress;
        Keys = NodeKeys.Generate();
        Certificate = ca.Sign(JoinRequest.Create(Keys, name), name, [], [], meshAddress, TimeSpan.FromDays(30), host.Clock.GetUtcNow());
        Socket = host.Bind(51820);
        Wire = new WireTap(Socket, capture);
        Node = new MeshNode(Keys, Certificate, ca.Certificate, new MeshNodeOptions { ListenPort = 51820, Relay = relay }, Wire, Tun,
                            host.Clock, null, host.Random);
        Socket.StartReceiving((datagram, source) =>
        {
            Wire.Received(datagram);
            Node.OnDatagram(datagram, source);
        });
        tick = host.Clock.Every(TimeSpan.FromMilliseconds(100), Node.Tick);
    }

    public string Name { get; }

    public Host Host { get; }

    public IPAddress MeshAddress { get; }

    public NodeKeys Keys { get; }

    public Certificate Certificate { get; }

    public NodeId NodeId => Keys.NodeId;

    public SimSocket Socket { get; }

    public WireTap Wire { get; }

    public MeshNode Node { get; }

    public TunCapture Tun { get; } = new();

    public override string ToString() => Name;

    /// <summary>Hands the node an IPv4/UDP packet to <paramref name="destination"/> carrying <paramref name="payload"/>, as if read from its TUN.</summary>
    public void SendFromTun(IPAddress destination, ReadOnlySpan<byte> payload)
    {
        var length = TunPackets.WriteUdp4(tunBuffer.AsSpan(WireGuardDevice.HeadRoom), MeshAddress, destination, payload);
        Node.OnTunPacket(tunBuffer, WireGuardDevice.HeadRoom, length);
    }

    /// <summary>True when this node's TUN got a packet from <paramref name="source"/> carrying <paramref name="payload"/>.</summary>
    public bool Received(IPAddress source, ReadOnlySpan<byte> payload)
    {
        Span<byte> address = stackalloc byte[4];
        source.TryWriteBytes(address, out _);
        foreach (var packet in Tun.Packets)
        {
            if (packet.Length == 28 + payload.Length && packet.AsSpan(12, 4).SequenceEqual(address) && packet.AsSpan(28).SequenceEqual(payload))
            {
                return true;
            }
        }

        return false;
    }

    public void Dispose()
    {
        tick.Dispose();
        Node.Dispose();
    }

    /// <summary>The node's transport, passed through to the socket; optionally keeps a copy of every datagram sent and received.</summary>
    internal sealed class WireTap(SimSocket socket, bool capture) : IDatagramTransport
    {
        public List<byte[]> Datagrams { get; } = [];

        public void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination)
        {
            if (capture)
            {
                Datagrams.Add(datagram.ToArray());
            }

            socket.Send(datagram, destination);
        }

        public void SendWithTtl(ReadOnlySpan<byte> datagram, IPEndPoint destination, int ttl)
        {
            if (capture)
            {
                Datagrams.Add(datagram.ToArray());
            }

            socket.SendWithTtl(datagram, destination, ttl);
        }

        public void Received(ReadOnlySpan<byte> datagram)
        {
            if (capture)
            {
                Datagrams.Add(datagram.ToArray());
            }
        }

        /// <summary>True when any datagram seen contains <paramref name="needle"/>.</summary>
        public bool Saw(ReadOnlySpan<byte> needle)
        {
            foreach (var datagram in Datagrams)
            {
                if (datagram.AsSpan().IndexOf(needle) >= 0)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
