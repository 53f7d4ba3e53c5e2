namespace Weft.State;

/// <summary>The top-level object of <c>wireguard-peers.json</c>.</summary>
internal sealed record WireGuardPeerFile(IReadOnlyList<WireGuardPeerRecord> Peers);
