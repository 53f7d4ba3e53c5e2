using Weft.Core.Net;
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

    /// <summary>
    /// The batch form of <see cref="OnTunPacket"/>: the IP packets in slots [0, <see cref="PacketBatch.Count"/>) of
    /// <paramref name="batch"/> (segments of one TSO super-packet, usually all for one destination), each with
    /// <see cref="WireGuardDevice.HeadRoom"/> bytes free before it and <see cref="WireGuardDevice.TailRoom"/> after it in
    /// its slot. Consecutive packets for the same peer go to the device as one run (one route lookup while the destination
    /// stays the same, one transport call for the run); packets for mesh members reached through a relay go one by one.
    /// The batch's offsets and lengths are changed (to the sealed messages). Allocates nothing.
    /// </summary>
    public void OnTunBatch(PacketBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var count = batch.Count;
        MeshPeer? runPeer = null;
        var runStart = 0;
        var lastIsIpv6 = false;
        UInt128 lastDestination = 0;
        MeshPeer? lastPeer = null;
        var haveLast = false;
        for (var i = 0; i < count; i++)
        {
            MeshPeer? peer = null;
            if (!IpPacket.TryGetDestination(batch.Packet(i), out var isIpv6, out var destination))
            {
                NodeCounterSet.Add(ref counters.TxDroppedMalformedIp);
            }
            else
            {
                if (haveLast && isIpv6 == lastIsIpv6 && destination == lastDestination)
                {
                    peer = lastPeer;
                }
                else
                {
                    peer = routes.Find(isIpv6, destination);
                    (haveLast, lastIsIpv6, lastDestination, lastPeer) = (true, isIpv6, destination, peer);
                }

                if (peer is null)
                {
                    // No member owns the address directly: a mesh member behind a relay (sent now, alone), or no route.
                    if (!TrySendThroughMesh(batch.Buffer, batch.Offsets[i], batch.Lengths[i], isIpv6, destination))
                    {
                        NodeCounterSet.Add(ref counters.TxDroppedNoRoute);
                    }
                }
                else if (!peer.Verified)
                {
                    NodeCounterSet.Add(ref counters.TxDroppedUnverifiedPeer);
                    peer = null;
                }
            }

            if (!ReferenceEquals(peer, runPeer))
            {
                FlushTunRun(batch, runPeer, runStart, i);
                runPeer = peer;
                runStart = i;
            }
        }

        FlushTunRun(batch, runPeer, runStart, count);
    }

    /// <summary>Hands slots [start, end) of a TUN batch, all routed to <paramref name="peer"/>, to the device (nothing for a null peer).</summary>
    private void FlushTunRun(PacketBatch batch, MeshPeer? peer, int start, int end)
    {
        if (peer is null || end <= start)
        {
            return;
        }

        Interlocked.Add(ref counters.PacketsFromTun, end - start);
        device.SendBatch(peer.WireGuard, batch, start, end - start);
    }
}
