namespace Weft.Core.Node;

/// <summary>
/// One answer to a mesh-level ping (<see cref="MeshNode.PingAsync"/>): who answered, the path the
/// answer came over ("direct udp 10.0.0.2:51820", "direct tls 10.0.0.3:443", "via bravo -> charlie")
/// and the round-trip time inside the end-to-end session.
/// </summary>
public sealed record MeshPingReply(string Target, string Path, double RttMs);
