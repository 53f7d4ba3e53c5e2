using System.Net;

namespace Weft.SystemTests.Lab;

/// <summary>
/// A veth pair between two namespaces, with an IPv4 /24 and an IPv6 /64 on it:
/// side A has 10.213.N.1 and fd00:213:N::1, side B has 10.213.N.2 and fd00:213:N::2.
/// These addresses exist only inside the lab's namespaces.
/// </summary>
public sealed record VethLink(
    string NamespaceA, string InterfaceA, IPAddress Ipv4A, IPAddress Ipv6A,
    string NamespaceB, string InterfaceB, IPAddress Ipv4B, IPAddress Ipv6B);
