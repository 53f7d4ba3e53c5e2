namespace Weft.Simulation;

/// <summary>
/// One NAT mapping (RFC 4787 terms): an inside endpoint bound to an outside port, created by an
/// outbound datagram, refreshed by outbound traffic, and the set of outside endpoints the
/// filtering behaviour currently lets in, each with the time it was last sent to.
/// In firewall-only mode the "mapping" is the connection state of the inside endpoint and
/// <see cref="ExternalPort"/> equals its own port.
/// </summary>
internal sealed class NatMapping(SimEndpoint inside, SimEndpoint key, int externalPort, long now)
{
    public SimEndpoint Inside { get; } = inside;

    /// <summary>The destination part of the mapping key, reduced by the mapping behaviour.</summary>
    public SimEndpoint Key { get; } = key;

    public int ExternalPort { get; } = externalPort;

    public long LastUsed { get; set; } = now;

    /// <summary>Filter permissions: outside endpoint (port 0 for address-dependent) → last outbound time.</summary>
    public Dictionary<SimEndpoint, long> Permissions { get; } = [];
}
