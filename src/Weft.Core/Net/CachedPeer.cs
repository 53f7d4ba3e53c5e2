namespace Weft.Core.Net;

/// <summary>
/// One entry of the peer cache: the peer's encoded certificate, the endpoints it was last reached
/// at (in <see cref="Endpoint.ToString"/> form, e.g. "udp 1.2.3.4:51820") and when it was last seen.
/// </summary>
public sealed record CachedPeer(byte[] Certificate, IReadOnlyList<string> Endpoints, DateTimeOffset LastSeen);
