using System.Net;

namespace Weft.Simulation;

/// <summary>
/// A snapshot of one live NAT mapping (or firewall state), for assertions and failure messages.
/// </summary>
/// <param name="Inside">The inside endpoint that created it.</param>
/// <param name="Outside">The mapped endpoint outside hosts see (in firewall-only mode, the inside endpoint itself).</param>
/// <param name="Destination">
/// The destination part of the mapping key: null for endpoint-independent mapping, port 0 for
/// address-dependent mapping.
/// </param>
/// <param name="Idle">Time since outbound traffic last refreshed it.</param>
/// <param name="Permitted">Outside endpoints the filter currently admits (port 0 = any port of that address); empty for endpoint-independent filtering.</param>
public sealed record NatMappingInfo(IPEndPoint Inside, IPEndPoint Outside, IPEndPoint? Destination, TimeSpan Idle, IReadOnlyList<IPEndPoint> Permitted)
{
    public override string ToString() =>
        $"{Inside} => {Outside}{(Destination is null ? "" : " for " + Destination)} idle {Idle.TotalSeconds:F1}s permits [{string.Join(", ", Permitted)}]";
}
