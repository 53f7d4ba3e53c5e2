namespace Weft.LocalApi;

/// <summary>
/// What <c>GET /v1/netcheck</c> returns and <c>weft netcheck --json</c> prints: the node's <c>NatReport</c> plus the
/// daemon's port mapping state, in the local API's stable camelCase shape:
/// <code>
/// { "udp": true, "ipv4": ["198.18.3.2:51820"], "ipv6": [],
///   "observations": [ { "member": "relay", "memberEndpoint": "203.0.113.1:51820", "observed": "198.18.3.2:51820" } ],
///   "mapping": "endpoint-independent", "mappingDetail": "...",
///   "portMapping": { "available": true, "protocol": "nat-pmp", "external": "198.18.3.2:51820", "error": null },
///   "hairpinning": false }
/// </code>
/// </summary>
/// <param name="Udp">True if a member with a public UDP address answered, false if none did; null when none is known.</param>
/// <param name="Ipv4">Distinct reflexive IPv4 endpoints ("address:port").</param>
/// <param name="Ipv6">Distinct reflexive IPv6 endpoints ("[address]:port").</param>
/// <param name="Observations">Which member endpoint saw our ping come from where.</param>
/// <param name="Mapping">"none", "endpoint-independent", "endpoint-dependent" or "unknown".</param>
/// <param name="MappingDetail">Why, in words.</param>
/// <param name="PortMapping">The daemon's port mapping on the router.</param>
/// <param name="Hairpinning">True if a probe to our own reflexive endpoint came back; null when there was none to try.</param>
internal sealed record NetcheckReport(
    bool? Udp,
    IReadOnlyList<string> Ipv4,
    IReadOnlyList<string> Ipv6,
    IReadOnlyList<ObservationReport> Observations,
    string Mapping,
    string MappingDetail,
    PortMappingReport PortMapping,
    bool? Hairpinning);
