namespace Weft.Core.Nat;

/// <summary>Where a NAT traversal attempt toward one peer stands (see <c>MeshNode.NatTraversal.cs</c>).</summary>
internal enum NatAttemptPhase
{
    /// <summary>No attempt running: the peer is direct, or the next attempt is due at <see cref="NatTraversalState.NextAttemptAt"/>.</summary>
    Idle,

    /// <summary>Initiator: Request sent, waiting for the Reply.</summary>
    Requested,

    /// <summary>Either side: sweeping the peer's ports before sending the Reply (responder) or the Go (initiator).</summary>
    Sweeping,

    /// <summary>Responder: primed and replied, waiting for the Go.</summary>
    AwaitingGo,

    /// <summary>Both: probing the peer's candidates in bursts; success when the session's path is direct.</summary>
    Probing,
}
