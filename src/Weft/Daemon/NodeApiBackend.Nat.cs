using System.Net;
using Weft.Core.Nat;
using Weft.Core.Node;
using Weft.LocalApi;

namespace Weft.Daemon;

/// <summary>
/// The NAT half of the local API: <c>weft netcheck</c> runs <see cref="MeshNode.RunNetcheckAsync"/> and gets the
/// daemon's port mapping state added (the node only knows the mapped endpoint, not why there is none).
/// </summary>
internal sealed partial class NodeApiBackend
{
    public async Task<NetcheckReport> NetcheckAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var report = await _node.RunNetcheckAsync(timeout).WaitAsync(cancellationToken).ConfigureAwait(false);
        return Map(report, _portMapping());
    }

    /// <summary>The API's netcheck from the node's report and the daemon's port mapping state.</summary>
    public static NetcheckReport Map(NatReport report, PortMappingReport portMapping)
    {
        var observations = new List<ObservationReport>(report.Observations.Count);
        foreach (var o in report.Observations)
        {
            observations.Add(new ObservationReport(o.Member, o.MemberEndpoint.ToString(), o.Observed.ToString()));
        }

        return new NetcheckReport(report.UdpWorks, Endpoints(report.ReflexiveIpv4), Endpoints(report.ReflexiveIpv6), observations,
            MappingName(report.Mapping), report.MappingDetail, portMapping, report.Hairpinning);
    }

    /// <summary>The API's names: "none", "endpoint-independent", "endpoint-dependent", "unknown".</summary>
    public static string MappingName(NatMapping mapping) => mapping switch
    {
        NatMapping.None => "none",
        NatMapping.EndpointIndependent => "endpoint-independent",
        NatMapping.EndpointDependent => "endpoint-dependent",
        _ => "unknown",
    };

    private static List<string> Endpoints(IReadOnlyList<IPEndPoint> endpoints)
    {
        var list = new List<string>(endpoints.Count);
        foreach (var endpoint in endpoints)
        {
            list.Add(endpoint.ToString());
        }

        return list;
    }
}
