namespace Weft.Core.Net;

/// <summary>
/// Sends a LAN discovery beacon out of every up, multicast-capable interface (to the Weft IPv6
/// link-local group on the node's UDP port). Implemented in Weft.Platform; used by discovery.
/// </summary>
public interface ILanAnnouncer
{
    void Announce(ReadOnlySpan<byte> beacon);
}
