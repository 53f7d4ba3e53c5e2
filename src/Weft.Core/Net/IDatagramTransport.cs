using System.Net;

namespace Weft.Core.Net;

/// <summary>
/// The underlay as the core sees it: somewhere to send a datagram to a clearnet endpoint.
/// Implemented over real sockets by Weft.Platform and over an in-memory network in tests.
/// </summary>
/// <remarks>
/// Receiving is the other direction: whoever owns the socket calls the core
/// (<c>MeshNode.OnDatagram</c>) with each datagram and the endpoint it came from.
/// <see cref="Send"/> must not keep a reference to <paramref name="datagram"/> after it returns,
/// may be called from several threads at once, and never throws for network errors
/// (an unreachable endpoint is a dropped datagram, as on a real network).
/// </remarks>
public interface IDatagramTransport
{
    void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination);

    /// <summary>
    /// Sends with the IPv4 TTL / IPv6 hop limit set to <paramref name="ttl"/> for this datagram only (NAT primers
    /// and sweeps that must die before the far side's router). A transport that cannot set it sends normally.
    /// </summary>
    void SendWithTtl(ReadOnlySpan<byte> datagram, IPEndPoint destination, int ttl) => Send(datagram, destination);

    /// <summary>
    /// Sends the datagrams in slots [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>) of
    /// <paramref name="batch"/>, in that order, all to <paramref name="destination"/>. A transport that can batches them
    /// into as few system calls as it can (sendmmsg, UDP GSO); the default sends them one by one.
    /// </summary>
    void SendBatch(PacketBatch batch, int first, int count, IPEndPoint destination)
    {
        ArgumentNullException.ThrowIfNull(batch);
        for (var i = first; i < first + count; i++)
        {
            Send(batch.Packet(i), destination);
        }
    }
}
