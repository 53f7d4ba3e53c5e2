namespace Weft.Core.Net;

/// <summary>
/// Sends a WireGuard datagram to an <see cref="Endpoint"/> of any kind; the WireGuard device's
/// view of the underlay. The mesh node implements it (UDP → the datagram transport, TCP/TLS → the
/// connection, relay → an envelope toward the next hop). Never throws for network errors, may be
/// called from several threads, and must not keep <c>datagram</c> after returning.
/// </summary>
public interface IEndpointSender
{
    void Send(ReadOnlySpan<byte> datagram, Endpoint destination);

    /// <summary>
    /// Sends the datagrams in slots [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>) of
    /// <paramref name="batch"/>, in order, all to <paramref name="destination"/>; the default sends them one by one.
    /// </summary>
    void SendBatch(PacketBatch batch, int first, int count, Endpoint destination)
    {
        ArgumentNullException.ThrowIfNull(batch);
        for (var i = first; i < first + count; i++)
        {
            Send(batch.Packet(i), destination);
        }
    }
}
