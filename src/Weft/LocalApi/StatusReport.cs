namespace Weft.LocalApi;

/// <summary>
/// What <c>GET /v1/status</c> returns and <c>weft status --json</c> prints: the node's
/// <c>NodeStatus</c> snapshot in the local API's own, stable shape (camelCase JSON). Counters are a
/// name → value map so new counters in the node never change the schema.
/// </summary>
internal sealed record StatusReport(
    string Name,
    string MeshName,
    string? Ipv4,
    string Ipv6,
    int ListenPort,
    DateTimeOffset CertNotAfter,
    string? Interface,
    int Pid,
    IReadOnlyList<PeerReport> Peers,
    IReadOnlyDictionary<string, long> Counters,
    IReadOnlyList<RefusalReport> Refused)
{
    /// <summary>The daemon's port mapping on the router (as in netcheck); null when the report does not come from a daemon.</summary>
    public PortMappingReport? PortMapping { get; init; }
}

/// <summary>A node this one refused lately (see <c>RefusalStatus</c> in the core).</summary>
internal sealed record RefusalReport(string Name, string NodeId, string Source, string Reason, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, int Count);
