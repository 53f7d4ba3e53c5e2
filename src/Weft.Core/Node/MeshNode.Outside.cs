using Weft.Core.Net;
using Weft.Core.WireGuard;

namespace Weft.Core.Node;

/// <summary>
/// The outside → inside direction: what the WireGuard device hands up (decrypted payloads, new
/// sessions, handshakes from unknown keys).
/// </summary>
public sealed partial class MeshNode
{
    /// <summary>
    /// A handshake from a key we do not know: accept it as a pending peer (the session may carry
    /// only the certificate exchange until its certificate verifies). The pending set is bounded;
    /// beyond <see cref="MeshNodeOptions.MaxPendingPeers"/> the oldest pending peer is evicted.
    /// </summary>
    bool IWireGuardEvents.AcceptUnknownPeer(ReadOnlySpan<byte> publicKey)
    {
        MeshPeer? evicted = null;
        lock (gate)
        {
            if (disposed)
            {
                return false;
            }

            var pending = 0;
            MeshPeer? oldest = null;
            foreach (var peer in peers)
            {
                if (peer.Kind == MeshPeerKind.Member && !peer.Verified && !peer.Removed)
                {
                    pending++;
                    if (oldest is null || peer.CreatedTimestamp < oldest.CreatedTimestamp)
                    {
                        oldest = peer;
                    }
                }
            }

            if (pending >= options.MaxPendingPeers && oldest is not null)
            {
                oldest.Removed = true;
                peers.Remove(oldest);
                evicted = oldest;
                NodeCounterSet.Add(ref counters.PendingPeersEvicted);
            }

            NodeCounterSet.Add(ref counters.PendingPeersAccepted);
        }

        // The device calls us without holding its locks, so it may be called back here.
        if (evicted is not null)
        {
            Log.PendingPeerEvicted(logger, evicted.Name);
            device.RemovePeer(evicted.WireGuard);
        }

        return true;
    }

    void IWireGuardEvents.OnSessionEstablished(WireGuardPeer wireGuardPeer, bool weInitiated)
    {
        var peer = wireGuardPeer.Tag as MeshPeer ?? Attach(wireGuardPeer);
        bool send;
        bool verifiedYours;
        lock (gate)
        {
            if (peer.Kind != MeshPeerKind.Member || peer.Removed)
            {
                return;
            }

            // A new session may mean the peer restarted and forgot us: exchange certificates again.
            // (Who initiated does not matter: a peer that merely handshaked with our key still has
            // to show its certificate first.) One sent in the last interval, queued while the
            // handshake ran, is not repeated here; Tick repeats it until the exchange completes.
            peer.TheyHaveOurs = false;
            peer.CertificateSendsLeft = CertificateSendsPerSession;
            send = peer.MayRevealCertificate && time.GetTimestamp() >= peer.NextCertificateSend;
            verifiedYours = peer.Verified;
            if (send)
            {
                NoteCertificateSentLocked(peer);
            }
        }

        Log.SessionEstablished(logger, peer.Name, weInitiated);
        if (send)
        {
            SendCertificate(peer, verifiedYours);
        }
    }

    void IWireGuardEvents.OnPayload(WireGuardPeer wireGuardPeer, Span<byte> payload, Endpoint source)
    {
        var peer = wireGuardPeer.Tag as MeshPeer ?? Attach(wireGuardPeer);
        if (payload.IsEmpty)
        {
            return;
        }

        if (IpPacket.IsIpPacket(payload[0]))
        {
            ReceiveIpPacket(peer, payload);
        }
        else
        {
            ReceiveControlMessage(peer, payload, source);
        }
    }

    /// <summary>An IP packet from a peer: only from a verified peer, only from an address it owns. Allocates nothing.</summary>
    private void ReceiveIpPacket(MeshPeer peer, Span<byte> payload)
    {
        if (!peer.Verified)
        {
            NodeCounterSet.Add(ref counters.RxDroppedUnverifiedPeer);
            return;
        }

        // WireGuard pads the plaintext to a multiple of 16 bytes: the header says where the packet ends.
        var length = IpPacket.DeclaredLength(payload);
        if (length < 0 || !IpPacket.TryGetSource(payload, out var isIpv6, out var source))
        {
            NodeCounterSet.Add(ref counters.RxDroppedMalformedIp);
            return;
        }

        if (!peer.Owned.Owns(isIpv6, source))
        {
            NodeCounterSet.Add(ref counters.RxDroppedSpoofedSource);
            return;
        }

        NodeCounterSet.Add(ref counters.PacketsToTun);
        tun.Write(payload[..length]);
    }
}
