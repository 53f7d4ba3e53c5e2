using System.Buffers.Binary;
using System.Net;
using Weft.Core.Identity;
using Weft.Core.Node;
using Weft.Core.WireGuard;

namespace Weft.Simulation.Tests.Nat;

/// <summary>
/// A real <see cref="MeshNode"/> on a simulated host for NAT traversal tests: its own addresses as
/// <see cref="MeshNodeOptions.LocalAddresses"/>, on-link test from its segments, TUN capture, 100 ms tick.
/// </summary>
internal sealed class NatMember : IDisposable
{
    private readonly ITimer tick;
    private readonly byte[] tunBuffer = new byte[WireGuardDevice.HeadRoom + 2048 + WireGuardDevice.TailRoom];

    public NatMember(Host host, CertificateAuthority ca, string name, IPAddress meshAddress, bool natTraversal = true)
    {
        Host = host;
        Name = name;
        MeshAddress = meshAddress;
        Keys = NodeKeys.Generate();
        var certificate = ca.Sign(JoinRequest.Create(Keys, name), name, [], [], meshAddress, TimeSpan.FromDays(30), host.Clock.GetUtcNow());
        Socket = host.Bind(51820);
        var options = new MeshNodeOptions
        {
            ListenPort = 51820,
            NatTraversal = natTraversal,
            LocalAddresses = () => [.. host.Interfaces.SelectMany(i => new[] { i.Ipv4, i.Ipv6 }).OfType<IPAddress>()],
            IsOnLink = address => host.Interfaces.Any(i => i.Segment.Ipv4Prefix.Contains(address)
                                                          || (i.Segment.Ipv6Prefix is { } v6 && v6.Contains(address))),
        };
        Node = new MeshNode(Keys, certificate, ca.Certificate, options, Socket, Tun, host.Clock, null, host.Random);
        Socket.StartReceiving(Node.OnDatagram);
        tick = host.Clock.Every(TimeSpan.FromMilliseconds(100), Node.Tick);
    }

    public string Name { get; }

    public Host Host { get; }

    public IPAddress MeshAddress { get; }

    public NodeKeys Keys { get; }

    public SimSocket Socket { get; }

    public MeshNode Node { get; }

    public TunCapture Tun { get; } = new();

    public override string ToString() => Name;

    /// <summary>The status line of peer <paramref name="name"/>, or null if unknown.</summary>
    public PeerStatus? Peer(string name) => Node.GetStatus().Peers.FirstOrDefault(p => p.Name == name);

    /// <summary>True when the session with <paramref name="name"/> goes over a direct path.</summary>
    public bool IsDirectTo(string name) => Peer(name)?.Path?.StartsWith("direct ", StringComparison.Ordinal) == true;

    /// <summary>Hands the node an IPv4/UDP packet to <paramref name="destination"/> carrying <paramref name="payload"/>, as if read from its TUN.</summary>
    public void SendFromTun(IPAddress destination, ReadOnlySpan<byte> payload)
    {
        var packet = tunBuffer.AsSpan(WireGuardDevice.HeadRoom, 28 + payload.Length);
        packet.Clear();
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], (ushort)packet.Length);
        packet[8] = 64;
        packet[9] = 17;
        MeshAddress.TryWriteBytes(packet[12..], out _);
        destination.TryWriteBytes(packet[16..], out _);
        uint sum = 0;
        for (var i = 0; i < 20; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(packet[i..]);
        }

        while (sum > 0xffff)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        BinaryPrimitives.WriteUInt16BigEndian(packet[10..], (ushort)~sum);
        payload.CopyTo(packet[28..]);
        Node.OnTunPacket(tunBuffer, WireGuardDevice.HeadRoom, packet.Length);
    }

    /// <summary>The payloads of the IPv4 packets this node's TUN got from <paramref name="source"/>.</summary>
    public List<string> ReceivedFrom(IPAddress source)
    {
        Span<byte> address = stackalloc byte[4];
        source.TryWriteBytes(address, out _);
        var list = new List<string>();
        foreach (var packet in Tun.Packets)
        {
            if (packet.Length >= 28 && packet.AsSpan(12, 4).SequenceEqual(address))
            {
                list.Add(System.Text.Encoding.ASCII.GetString(packet, 28, packet.Length - 28));
            }
        }

        return list;
    }

    public void Dispose()
    {
        tick.Dispose();
        Node.Dispose();
    }
}
