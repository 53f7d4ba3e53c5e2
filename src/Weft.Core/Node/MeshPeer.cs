using Weft.Core.Identity;
using Weft.Core.Paths;
using Weft.Core.WireGuard;

namespace Weft.Core.Node;

/// <summary>
/// The node's record of one WireGuard peer: what kind it is, whether its certificate is verified,
/// the addresses it owns, and where the certificate exchange stands. Hung on
/// <see cref="WireGuardPeer.Tag"/> so the packet path finds it without a lookup.
/// </summary>
/// <remarks>
/// <see cref="Verified"/> and <see cref="Owned"/> are read by the packet threads without a lock
/// (volatile, and <see cref="OwnedAddresses"/> is immutable); every other field is read and
/// written only under the owning <see cref="MeshNode"/>'s gate lock.
/// </remarks>
internal sealed class MeshPeer
{
    private volatile bool verified;
    private volatile OwnedAddresses owned = OwnedAddresses.None;

    public MeshPeer(WireGuardPeer wireGuard, MeshPeerKind kind, long createdTimestamp)
    {
        WireGuard = wireGuard;
        Kind = kind;
        NodeId = NodeId.FromSessionKey(wireGuard.PublicKey);
        Name = NodeId.ToString();
        CreatedTimestamp = createdTimestamp;
    }

    public WireGuardPeer WireGuard { get; }

    /// <summary>The ways to reach the peer and what probing learned (guarded by the gate, see <see cref="PeerPaths"/>).</summary>
    public PeerPaths Paths { get; } = new();

    public NodeId NodeId { get; }

    // ---- read without a lock by the packet path ----

    /// <summary>True when the peer may carry IP packets: a verified certificate, or a configured WireGuard peer.</summary>
    public bool Verified { get => verified; set => verified = value; }

    /// <summary>The addresses the peer may send from and receives packets for (only meaningful while verified).</summary>
    public OwnedAddresses Owned { get => owned; set => owned = value; }

    // ---- guarded by MeshNode.gate ----

    public MeshPeerKind Kind { get; set; }

    public string Name { get; set; }

    public long CreatedTimestamp { get; }

    /// <summary>True once the peer has been removed from the device (evicted); it is ignored from then on.</summary>
    public bool Removed { get; set; }

    /// <summary>The last certificate that verified (kept after expiry for the status).</summary>
    public Certificate? Certificate { get; set; }

    /// <summary>The encoded form of <see cref="Certificate"/>, to recognise a resent copy without verifying it again.</summary>
    public byte[]? CertificateBytes { get; set; }

    /// <summary>Why the peer is not verified, in words (null when it is, or when nothing has been received yet).</summary>
    public string? Problem { get; set; }

    /// <summary>The certificate errors already logged for this peer (one warning per reason).</summary>
    public HashSet<string> WarnedProblems { get; } = [];

    /// <summary>
    /// May we show this peer our certificate? Yes once we initiated a session to it, it proved
    /// membership in a hello, or its certificate verified. A peer that merely handshaked with our
    /// key must show its certificate first (non-members learn nothing).
    /// </summary>
    public bool MayRevealCertificate { get; set; }

    /// <summary>The peer has told us (flag in its certificate message) that it verified ours.</summary>
    public bool TheyHaveOurs { get; set; }

    /// <summary>Monotonic time at which our certificate is sent again if the exchange is not finished.</summary>
    public long NextCertificateSend { get; set; }

    /// <summary>Certificate sends left in this session before we stop repeating ourselves.</summary>
    public int CertificateSendsLeft { get; set; }

    /// <summary>Monotonic time at which we last answered a hello request from this peer (it is about to initiate), or null.</summary>
    public long? HelloAnsweredAt { get; set; }

    /// <summary>
    /// We owe this peer a handshake but held it back (both sides said hello at once, and the peer
    /// was chosen to initiate); at <see cref="NextCertificateSend"/> we start one ourselves if it has not.
    /// </summary>
    public bool InitiateWhenDue { get; set; }

    /// <summary>NAT traversal toward this peer (created the first time its session goes through a relay).</summary>
    public Nat.NatTraversalState? Nat { get; set; }

    /// <summary>The peer's latest view of us over a public (non-LAN) direct UDP path, from a pong: a reflexive observation.</summary>
    public Nat.ReflexiveObservation? NatObservation { get; set; }

    /// <summary>When <see cref="NatObservation"/> was last confirmed.</summary>
    public long NatObservedAt { get; set; }

    /// <summary>True when the exchange is finished: we verified theirs and they verified ours.</summary>
    public bool ExchangeComplete => Verified && TheyHaveOurs;
}
