using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Weft.Core.Nat;

/// <summary>
/// The contract's rule that turns reflexive observations into a <see cref="NatMapping"/>: an observation whose
/// observed source is one of our own addresses with our listen port means no NAT; otherwise, with IPv4 observations
/// from at least two distinct member addresses, all observed endpoints equal means endpoint-independent mapping,
/// any difference endpoint-dependent; anything less is unknown.
/// </summary>
public static class NatMappingRule
{
    /// <summary>Applies the rule; <paramref name="detail"/> says why in words (for netcheck).</summary>
    public static NatMapping Estimate(IReadOnlyList<ReflexiveObservation> observations, IReadOnlyList<IPAddress>? localAddresses,
                                      int listenPort, out string detail)
    {
        ArgumentNullException.ThrowIfNull(observations);
        if (localAddresses is not null)
        {
            foreach (var observation in observations)
            {
                if (observation.Observed.Port == listenPort && Contains(localAddresses, observation.Observed.Address))
                {
                    detail = $"{observation.Member} saw our own address {Format(observation.Observed)}";
                    return NatMapping.None;
                }
            }
        }

        var members = new List<IPAddress>();
        var seen = new List<IPEndPoint>();
        var parts = new List<string>();
        foreach (var observation in observations)
        {
            var member = Normalize(observation.MemberEndpoint.Address);
            if (member.AddressFamily != AddressFamily.InterNetwork)
            {
                continue;
            }

            if (!members.Contains(member))
            {
                members.Add(member);
            }

            var observed = new IPEndPoint(Normalize(observation.Observed.Address), observation.Observed.Port);
            if (!seen.Contains(observed))
            {
                seen.Add(observed);
            }

            parts.Add($"{observation.Member} saw {Format(observed)}");
        }

        if (members.Count < 2)
        {
            detail = members.Count == 0
                ? "no member with a public IPv4 address answered"
                : $"only one member address answered ({string.Join(", ", parts)}); two are needed to compare";
            return NatMapping.Unknown;
        }

        if (seen.Count == 1)
        {
            var names = new StringBuilder();
            var distinct = new List<string>();
            foreach (var observation in observations)
            {
                if (Normalize(observation.MemberEndpoint.Address).AddressFamily == AddressFamily.InterNetwork && !distinct.Contains(observation.Member))
                {
                    distinct.Add(observation.Member);
                }
            }

            names.AppendJoin(" and ", distinct);
            detail = $"{names} saw {Format(seen[0])}";
            return NatMapping.EndpointIndependent;
        }

        detail = string.Join(", ", parts);
        return NatMapping.EndpointDependent;
    }

    /// <summary>The nat-flags bits of a call-me-maybe message for <paramref name="mapping"/> (0 unknown, 1 none/EIM, 2 EDM).</summary>
    public static int ToFlagBits(NatMapping mapping) => mapping switch
    {
        NatMapping.None or NatMapping.EndpointIndependent => 1,
        NatMapping.EndpointDependent => 2,
        _ => 0,
    };

    private static bool Contains(IReadOnlyList<IPAddress> addresses, IPAddress address)
    {
        var normalized = Normalize(address);
        foreach (var candidate in addresses)
        {
            if (Normalize(candidate).Equals(normalized))
            {
                return true;
            }
        }

        return false;
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static string Format(IPEndPoint endpoint) => endpoint.ToString();
}
