namespace Weft.State;

/// <summary>The top-level object of <c>peers.json</c> (<see cref="PeerCacheFile"/>).</summary>
internal sealed record PeerCacheDocument(int Version, IReadOnlyList<PeerCacheEntry>? Peers);
