namespace Weft.Core.Node;

/// <summary>The node's timer work, driven by the host calling <see cref="Tick"/> about every 100 ms.</summary>
public sealed partial class MeshNode
{
    /// <summary>
    /// WireGuard timers, evictions of pending peers, hello retries, certificate resends and
    /// expiry checks. Call from one timer thread, about every 100 ms.
    /// </summary>
    public void Tick()
    {
        List<MeshPeer>? evicted = null;
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            if (evictions.Count > 0)
            {
                evicted = [.. evictions];
                evictions.Clear();
            }
        }

        device.Tick();

        if (evicted is not null)
        {
            foreach (var peer in evicted)
            {
                device.RemovePeer(peer.WireGuard);
            }

            lock (gate)
            {
                foreach (var peer in evicted)
                {
                    peers.Remove(peer);
                }
            }
        }

        TickHellos();

        var sends = new List<(MeshPeer Peer, bool VerifiedYours)>();
        TickCertificates(sends);
        foreach (var (peer, verifiedYours) in sends)
        {
            SendCertificate(peer, verifiedYours);
        }
    }
}
