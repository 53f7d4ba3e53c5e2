using System.Net;

namespace Weft.Core.Identity.Internal;

/// <summary>Everything a node certificate says, before it is signed.</summary>
internal sealed record CertificateContent(
    string Name,
    byte[] SessionKey,
    byte[] SigningKey,
    byte[] IssuerId,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    IPAddress Ipv6,
    IReadOnlyList<InterfaceAddress> Ipv4,
    IReadOnlyList<IPNetwork> Subnets,
    IReadOnlyList<string> Groups,
    IReadOnlyList<string> Roles);
