namespace Weft.State;

/// <summary>One peer in <c>peers.json</c>: its certificate (base64 of the binary form), last endpoints, last seen.</summary>
internal sealed record PeerCacheEntry(string? Certificate, IReadOnlyList<string>? Endpoints, DateTimeOffset LastSeen);
