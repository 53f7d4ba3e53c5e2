namespace Weft.Simulation;

/// <summary>What a <see cref="NatRouter"/> does with UDP between its inside and outside.</summary>
public enum NatMode
{
    /// <summary>Network address and port translation (IPv4), per the mapping and filtering behaviour.</summary>
    Translate,

    /// <summary>
    /// No translation: the inside has routable addresses (IPv4 and IPv6) and the router is a
    /// stateful firewall that lets in only what the filtering behaviour allows after outbound traffic.
    /// Chosen when the router is created (it decides how the inside is addressed).
    /// </summary>
    FirewallOnly,

    /// <summary>All UDP between inside and outside is dropped (a network that allows only TCP/HTTPS).</summary>
    UdpBlocked,
}
