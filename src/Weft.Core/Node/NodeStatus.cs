namespace Weft.Core.Node;

/// <summary>A snapshot of a node: who it is, its peers, its counters, whom it refused lately. Plain data, ready for JSON.</summary>
public sealed record NodeStatus(
    string Name,
    string MeshName,
    string? Ipv4,
    string Ipv6,
    int ListenPort,
    DateTimeOffset CertNotAfter,
    IReadOnlyList<PeerStatus> Peers,
    NodeCounters Counters,
    IReadOnlyList<RefusalStatus> Refused);
