namespace Weft.LocalApi;

/// <summary>
/// One answered mesh-level ping (<c>POST /v1/ping</c> → 200): who answered, at which overlay
/// address, over which path ("direct udp 10.213.0.2:51820", "via bravo -> charlie") and how fast.
/// </summary>
internal sealed record PingReport(string Target, string Name, string NodeId, string? Address, string Path, double RttMs);
