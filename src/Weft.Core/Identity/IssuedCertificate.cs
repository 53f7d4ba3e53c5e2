namespace Weft.Core.Identity;

/// <summary>One line of the CA machine's record: a certificate it signed.</summary>
/// <param name="Name">The node name in the certificate.</param>
/// <param name="Ipv4">The IPv4 host address it was given, e.g. "100.90.0.2".</param>
/// <param name="NodeId">The node ID (32 hex digits).</param>
/// <param name="NotAfter">When the certificate expires (null for entries recorded without it).</param>
public sealed record IssuedCertificate(string Name, string Ipv4, string NodeId, DateTimeOffset? NotAfter);
