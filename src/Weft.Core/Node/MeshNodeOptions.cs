using System.Net;

namespace Weft.Core.Node;

/// <summary>How a <see cref="MeshNode"/> is set up: the port it listens on, its MTU, and the peers it dials by endpoint.</summary>
public sealed class MeshNodeOptions
{
    public int ListenPort { get; set; } = 51820;

    public int Mtu { get; set; } = 1420;

    /// <summary>Peers known only by <c>host:port</c>; the node says hello to each at start.</summary>
    public IReadOnlyList<IPEndPoint> StaticPeers { get; set; } = [];

    /// <summary>At most this many peers may wait with an unverified certificate; the oldest is evicted beyond it.</summary>
    public int MaxPendingPeers { get; set; } = 256;

    /// <summary>Relay envelopes for other members (on by default); when off, the node advertises that it does not relay.</summary>
    public bool Relay { get; set; } = true;

    /// <summary>Path probing and selection clocks (see Weft.Core.Paths.PeerPaths for the policy).</summary>
    public Weft.Core.Paths.PathTimings PathTimings { get; set; } = Weft.Core.Paths.PathTimings.Default;

    /// <summary>True if a private address is on one of this host's own subnets (direct LAN paths); null: every private address counts.</summary>
    public Func<IPAddress, bool>? IsOnLink { get; set; }

    /// <summary>
    /// This host's usable unicast addresses (no loopback, no IPv6 link-local, none of the overlay's own); each with
    /// <see cref="ListenPort"/> is a "local" NAT traversal candidate. Called from the tick and message threads, so it
    /// must be cheap (the daemon caches it). Null: none known.
    /// </summary>
    public Func<IReadOnlyList<IPAddress>>? LocalAddresses { get; set; }

    /// <summary>Call-me-maybe and hole punching toward members reached through relays (on by default).</summary>
    public bool NatTraversal { get; set; } = true;
}
