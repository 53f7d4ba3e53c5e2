using System.Text;
using Weft.LocalApi;

namespace Weft.Cli;

/// <summary>
/// The human form of <c>weft netcheck</c>, one line per finding:
/// <code>
///   UDP:          works (2 members answered)
///   IPv4:         198.18.3.2:51820
///   IPv6:         none
///   Mapping:      endpoint-independent (relay and witness saw 198.18.3.2:51820)
///   Port mapping: NAT-PMP 198.18.3.2:51820
///   Hairpinning:  no
///   Seen by:      relay 203.0.113.1:51820 saw 198.18.3.2:51820
///                 witness 203.0.113.2:51820 saw 198.18.3.2:51820
/// </code>
/// </summary>
internal static class NetcheckFormatter
{
    private const string Indent = "              ";

    public static string Format(NetcheckReport report)
    {
        var text = new StringBuilder();
        Line(text, "UDP:", Udp(report));
        Line(text, "IPv4:", report.Ipv4.Count == 0 ? "none" : string.Join(", ", report.Ipv4));
        Line(text, "IPv6:", report.Ipv6.Count == 0 ? "none" : string.Join(", ", report.Ipv6));
        Line(text, "Mapping:", string.IsNullOrEmpty(report.MappingDetail) ? report.Mapping : $"{report.Mapping} ({report.MappingDetail})");
        Line(text, "Port mapping:", PortMapping(report.PortMapping));
        Line(text, "Hairpinning:", report.Hairpinning switch
        {
            true => "yes",
            false => "no",
            null => "unknown (no reflexive endpoint to try)",
        });
        for (var i = 0; i < report.Observations.Count; i++)
        {
            var o = report.Observations[i];
            var line = $"{o.Member} {o.MemberEndpoint} saw {o.Observed}";
            if (i == 0)
            {
                Line(text, "Seen by:", line);
            }
            else
            {
                text.Append(Indent).Append(line).Append('\n');
            }
        }

        return text.ToString();
    }

    private static string Udp(NetcheckReport report)
    {
        var members = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in report.Observations)
        {
            members.Add(o.Member);
        }

        return report.Udp switch
        {
            true => members.Count == 1 ? "works (1 member answered)" : $"works ({members.Count} members answered)",
            false => "no answer from any member with a public address (UDP blocked?)",
            null => "unknown (no member with a public UDP address is known)",
        };
    }

    /// <summary>"NAT-PMP 198.18.3.2:51820", "still trying" or "unavailable (reasons)".</summary>
    public static string PortMapping(PortMappingReport mapping) => mapping.Available switch
    {
        true => $"{ProtocolName(mapping.Protocol)} {mapping.External}",
        false => $"unavailable ({mapping.Error})",
        null => "still trying",
    };

    private static string ProtocolName(string? protocol) => protocol switch
    {
        "pcp" => "PCP",
        "nat-pmp" => "NAT-PMP",
        "upnp" => "UPnP",
        _ => protocol ?? "?",
    };

    private static void Line(StringBuilder text, string label, string value) =>
        text.Append(label.PadRight(Indent.Length)).Append(value).Append('\n');
}
