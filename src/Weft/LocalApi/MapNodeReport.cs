namespace Weft.LocalApi;

/// <summary>One member in a <see cref="MapReport"/>: identity, overlay addresses, whether it relays, whether it is us.</summary>
internal sealed record MapNodeReport(string NodeId, string Name, string? Ipv4, string Ipv6, bool Relay, bool Self);
