using System.Net;

namespace Weft.Core.Nat;

/// <summary>
/// What <c>MeshNode.RunNetcheckAsync</c> found out about this node's place in the underlay: whether UDP reaches the
/// public members, our reflexive endpoints, how our NAT maps, the port mapping the daemon holds, and hairpinning.
/// </summary>
/// <param name="UdpWorks">True if a member with a public UDP address answered; null when no such member is known.</param>
/// <param name="Observations">Each answer: which member endpoint, and our source as it saw it.</param>
/// <param name="ReflexiveIpv4">The distinct IPv4 endpoints members saw us at.</param>
/// <param name="ReflexiveIpv6">The distinct IPv6 endpoints members saw us at.</param>
/// <param name="Mapping">The mapping behaviour by the rule in <see cref="NatMappingRule"/>.</param>
/// <param name="MappingDetail">Why, in words (e.g. "relay and witness saw 198.18.3.2:51820").</param>
/// <param name="MappedEndpoint">The router port mapping as given to <c>MeshNode.SetMappedEndpoint</c>; null when none.</param>
/// <param name="Hairpinning">True if a probe to our own reflexive endpoint came back; null when there was none to try.</param>
public sealed record NatReport(
    bool? UdpWorks,
    IReadOnlyList<ReflexiveObservation> Observations,
    IReadOnlyList<IPEndPoint> ReflexiveIpv4,
    IReadOnlyList<IPEndPoint> ReflexiveIpv6,
    NatMapping Mapping,
    string MappingDetail,
    IPEndPoint? MappedEndpoint,
    bool? Hairpinning);
