namespace Weft.LocalApi;

/// <summary>
/// Body of <c>POST /v1/ping</c>: one mesh-level ping to <see cref="Target"/> (a member's name or
/// overlay address), answered within <see cref="TimeoutMs"/> (the daemon bounds it).
/// </summary>
internal sealed record PingRequest(string Target, int TimeoutMs);
