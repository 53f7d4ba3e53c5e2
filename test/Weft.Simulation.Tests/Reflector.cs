using System.Net;
using System.Text;

namespace Weft.Simulation.Tests;

/// <summary>
/// A STUN-like server for NAT tests (the RFC 5780 idea): it answers every datagram with the
/// source endpoint it observed, as text, so a client behind a NAT learns its mapped endpoint.
/// </summary>
internal sealed class Reflector
{
    private readonly SimSocket socket;

    public Reflector(Host host, int port)
    {
        socket = host.Bind(port);
        socket.StartReceiving(OnDatagram);
        EndPoint = new IPEndPoint(host.Ipv4, port);
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>Sends <paramref name="text"/> from this reflector's socket (to probe filtering).</summary>
    public void SendTo(IPEndPoint destination, string text) => socket.Send(Encoding.UTF8.GetBytes(text), destination);

    private void OnDatagram(Span<byte> datagram, IPEndPoint source) =>
        socket.Send(Encoding.UTF8.GetBytes("seen " + source), source);
}
