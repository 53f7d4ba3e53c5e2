namespace Weft.Core.Node;

/// <summary>Snapshots of the node for the local API and the CLI.</summary>
public sealed partial class MeshNode
{
    /// <summary>A snapshot of this node, its peers and its counters. Safe from any thread.</summary>
    public NodeStatus GetStatus()
    {
        var list = new List<PeerStatus>();
        lock (gate)
        {
            foreach (var peer in peers)
            {
                if (!peer.Removed)
                {
                    list.Add(Describe(peer));
                }
            }
        }

        var firstIpv4 = certificate.Ipv4.Count > 0 ? certificate.Ipv4[0].Address.ToString() : null;
        return new NodeStatus(certificate.Name, ca.MeshName, firstIpv4, certificate.Ipv6.ToString(), options.ListenPort,
                              certificate.NotAfter, list, counters.Snapshot(device.Counters), refusals.Snapshot());
    }

    private PeerStatus Describe(MeshPeer peer)
    {
        var wireGuard = peer.WireGuard;
        string kind;
        string? ipv4 = null;
        string? ipv6 = null;
        if (peer.Kind == MeshPeerKind.WireGuard)
        {
            kind = "wireguard";
            foreach (var prefix in peer.Owned.All)
            {
                if (prefix.IsIpv6)
                {
                    ipv6 ??= prefix.ToString();
                }
                else
                {
                    ipv4 ??= prefix.ToString();
                }
            }
        }
        else
        {
            kind = peer.Verified ? "member" : "pending";
            if (peer.Certificate is { } cert)
            {
                ipv4 = cert.Ipv4.Count > 0 ? cert.Ipv4[0].Address.ToString() : null;
                ipv6 = cert.Ipv6.ToString();
            }
        }

        var (path, rttMs) = PathStatusLocked(peer);
        return new PeerStatus(peer.Name, kind, peer.NodeId.ToString(), Convert.ToBase64String(wireGuard.PublicKey), ipv4, ipv6,
                              AddressOf(wireGuard.Endpoint), wireGuard.LastHandshake, wireGuard.RxBytes, wireGuard.TxBytes,
                              peer.Verified, peer.Problem, path, rttMs, NatStatusLocked(peer));
    }

    /// <summary>The clearnet address of a direct endpoint (as "host:port"), null for a relay or no endpoint.</summary>
    private static string? AddressOf(Weft.Core.Net.Endpoint? endpoint) => endpoint switch
    {
        Weft.Core.Net.UdpEndpoint udp => udp.Address.ToString(),
        Weft.Core.Net.StreamConnection stream => stream.Remote.ToString(),
        _ => null,
    };
}
