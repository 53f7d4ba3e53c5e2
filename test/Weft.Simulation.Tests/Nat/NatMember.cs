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
        var length = TunPackets.WriteUdp4(tunBuffer.AsSpan(WireGuardDevice.HeadRoom), MeshAddress, destination, payload);
        Node.OnTunPacket(tunBuffer, WireGuardDevice.HeadRoom, length);
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
