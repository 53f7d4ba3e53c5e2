namespace Weft.Core.Node;

/// <summary>The node's timer work, driven by the host calling <see cref="Tick"/> about every 100 ms.</summary>
public sealed partial class MeshNode
{
    /// <summary>
    /// WireGuard timers, hello retries, path probes, NAT traversal attempts and netchecks, certificate
    /// resends and expiry checks. Call from one timer thread, about every 100 ms.
    /// </summary>
    public void Tick()
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }
        }

        device.Tick();

        TickHellos();
        TickPaths();
        TickNatTraversal();
        TickStreamFallback();
        TickDiscovery();

        TickMesh();

        var sends = new List<(MeshPeer Peer, bool VerifiedYours)>();
        TickCertificates(sends);
        foreach (var (peer, verifiedYours) in sends)
        {
            SendCertificate(peer, verifiedYours);
        }
    }
}
