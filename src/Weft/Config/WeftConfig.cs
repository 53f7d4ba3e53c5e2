namespace Weft.Config;

/// <summary>
/// The daemon's settings as read from the config file (<c>weft.json</c>). Every key is optional:
/// a null member means "not set in the file", so command-line options and built-in defaults can
/// fill it in (<see cref="EffectiveSettings"/>). The file format is documented in docs/config.md.
/// </summary>
internal sealed class WeftConfig
{
    /// <summary>UDP port the node listens on (1..65535).</summary>
    public int? ListenPort { get; init; }

    /// <summary>TUN interface name; may contain one "%d" that the kernel replaces with a number.</summary>
    public string? Interface { get; init; }

    /// <summary>MTU of the TUN device (1280..9000).</summary>
    public int? Mtu { get; init; }

    /// <summary>Static peers as "host:port" strings.</summary>
    public IReadOnlyList<string> Peers { get; init; } = [];

    /// <summary>Minimum log level (trace, debug, information, warning, error, critical, none).</summary>
    public string? LogLevel { get; init; }

    /// <summary>TCP port for TLS connections on relay nodes (1..65535).</summary>
    public int? TlsPort { get; init; }
    /// <summary>Relay other members' traffic (default true); false opts this node out of being a hop.</summary>
    public bool? Relay { get; init; }

    /// <summary>Send and answer LAN multicast beacons (default true).</summary>
    public bool? LanDiscovery { get; init; }

    /// <summary>Interfaces LAN beacons use, by name (empty: every up, multicast-capable one).</summary>
    public IReadOnlyList<string> LanInterfaces { get; init; } = [];

    /// <summary>Ask the router to forward the UDP port (NAT-PMP, PCP, UPnP IGD; default true).</summary>
    public bool? PortMapping { get; init; }

    /// <summary>Let the kernel hand over and take back 64 KB TCP/UDP super-packets on the TUN device (default true).</summary>
    public bool? Offloads { get; init; }

    public static WeftConfig Empty { get; } = new();
}
