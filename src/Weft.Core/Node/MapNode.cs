namespace Weft.Core.Node;

/// <summary>One member on the map: names and addresses from its certificate, whether it relays, whether it is us.</summary>
public sealed record MapNode(string NodeId, string Name, string? Ipv4, string Ipv6, bool Relay, bool Self);
