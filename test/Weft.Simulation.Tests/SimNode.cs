using System.Buffers.Binary;
using System.Net;
using Weft.Core.Identity;
using Weft.Core.Node;
using Weft.Core.WireGuard;

namespace Weft.Simulation.Tests;

/// <summary>
/// A real <see cref="MeshNode"/> on a simulated host: its socket, TUN capture and 100 ms tick,
/// all on the simulation's clock and the host's seeded randomness.
/// </summary>
internal sealed class SimNode : IDisposable
{
    private readonly ITimer tick;
    private readonly byte[] tunBuffer = new byte[WireGuardDevice.HeadRoom + 2048 + WireGuardDevice.TailRoom];

    public SimNode(Host host, CertificateAuthority ca, string name, IPAddress meshAddress, int port = 51820,
                   Paths.SimStreams? streams = null)
    {
        Host = host;
        MeshAddress = meshAddress;
        var keys = NodeKeys.Generate();
        var certificate = ca.Sign(JoinRequest.Create(keys, name), name, [], [], meshAddress, TimeSpan.FromDays(30), host.Clock.GetUtcNow());
        Socket = host.Bind(port);
        var connector = streams?.ConnectorFor(host);
        Node = new MeshNode(keys, certificate, ca.Certificate, new MeshNodeOptions { ListenPort = port }, Socket, Tun, host.Clock, null, host.Random,
                            streams: connector);
        Socket.StartReceiving(Node.OnDatagram);
        if (connector is not null)
        {
            connector.Handler = Node;
            streams!.Listen(host.EndPoint(port), Weft.Core.Net.TransportKind.Tcp, Node);   // TCP on the UDP port number
        }

        tick = host.Clock.Every(TimeSpan.FromMilliseconds(100), Node.Tick);
    }

    public Host Host { get; }

    public IPAddress MeshAddress { get; }

    public SimSocket Socket { get; }

    public MeshNode Node { get; }

    public TunCapture Tun { get; } = new();

    public bool HasVerifiedPeer => Node.GetStatus().Peers.Any(p => p.Verified);

    /// <summary>Hands the node an IPv4/UDP packet to <paramref name="destination"/> as if read from its TUN.</summary>
    public byte[] SendFromTun(IPAddress destination, byte marker)
    {
        var packet = new byte[28 + 32];
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        packet[8] = 64;
        packet[9] = 17;
        MeshAddress.TryWriteBytes(packet.AsSpan(12, 4), out _);
        destination.TryWriteBytes(packet.AsSpan(16, 4), out _);
        uint sum = 0;
        for (var i = 0; i < 20; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(i));
        }

        while (sum > 0xffff)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(10), (ushort)~sum);
        packet.AsSpan(28).Fill(marker);
        packet.CopyTo(tunBuffer.AsSpan(WireGuardDevice.HeadRoom));
        Node.OnTunPacket(tunBuffer, WireGuardDevice.HeadRoom, packet.Length);
        return packet;
    }

    public void Dispose()
    {
        tick.Dispose();
        Node.Dispose();
    }
}
