using Weft.Core.WireGuard;

namespace Weft.Core.Node;

/// <summary>The inside → outside direction: IP packets read from the TUN device, routed to the peer that owns the destination.</summary>
public sealed partial class MeshNode
{
    /// <summary>
    /// An IP packet read from the TUN device, at <paramref name="buffer"/>[offset..offset+length], with
    /// <see cref="WireGuardDevice.HeadRoom"/> bytes free before it and <see cref="WireGuardDevice.TailRoom"/>
    /// after (the device encrypts in place). Allocates nothing.
    /// </summary>
    public void OnTunPacket(Span<byte> buffer, int offset, int length)
    {
        var packet = buffer.Slice(offset, length);
        if (!IpPacket.TryGetDestination(packet, out var isIpv6, out var destination))
        {
            NodeCounterSet.Add(ref counters.TxDroppedMalformedIp);
            return;
        }

        var peer = routes.Find(isIpv6, destination);
        if (peer is null)
        {
            if (TrySendThroughMesh(buffer, offset, length, isIpv6, destination))
            {
                return;
            }

            NodeCounterSet.Add(ref counters.TxDroppedNoRoute);
            return;
        }

        // The table only holds verified peers, but a peer may lose its verification (expiry)
        // between the table being read and this check.
        if (!peer.Verified)
        {
            NodeCounterSet.Add(ref counters.TxDroppedUnverifiedPeer);
            return;
        }

        NodeCounterSet.Add(ref counters.PacketsFromTun);
        device.Send(peer.WireGuard, buffer, offset, length);
    }
}
