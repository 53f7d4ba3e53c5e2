using System.Net;
using Weft.Core.Nat;

namespace Weft.Core.Node;

/// <summary>NAT traversal: call me maybe through the mesh, primers, sweeps, probe bursts, netcheck.</summary>
public sealed partial class MeshNode
{
    // ---- guarded by gate ----
    private IPEndPoint? mappedEndpoint;

    /// <summary>The port mapping the daemon holds on the router (NAT-PMP/PCP/UPnP), offered as a "mapped" candidate; null when none.</summary>
    public void SetMappedEndpoint(IPEndPoint? external)
    {
        lock (gate)
        {
            mappedEndpoint = external;
        }
    }

    /// <summary>Local addresses or routes changed: restart NAT traversal attempts now (backoff reset).</summary>
    public void NotifyNetworkChanged() => throw new NotImplementedException("NAT traversal attempts come in the next commit.");

    /// <summary>
    /// Actively asks every verified member reachable over direct public UDP (non-LAN-class address) with pings on each
    /// such candidate, waits up to <paramref name="timeout"/> for the pongs, probes hairpinning, and reports.
    /// </summary>
    public Task<NatReport> RunNetcheckAsync(TimeSpan timeout) => throw new NotImplementedException("Netcheck comes in the next commit.");
}
