using Microsoft.Extensions.Logging;

namespace Weft.Config;

/// <summary>
/// What <c>weft up</c> actually runs with: built-in defaults, overridden by the config file,
/// overridden by command-line options.
/// </summary>
internal sealed record DaemonSettings(int ListenPort, string Interface, int Mtu, IReadOnlyList<HostPort> Peers, LogLevel LogLevel)
{
    /// <summary>Send and answer LAN multicast beacons (config <c>lanDiscovery</c>, default true).</summary>
    public bool LanDiscovery { get; init; } = true;

    /// <summary>Forward relay envelopes for other members (config <c>relay</c>, default true).</summary>
    public bool Relay { get; init; } = true;

    /// <summary>Map the UDP port on the default gateway with NAT-PMP, PCP or UPnP IGD (config <c>portMapping</c>, default true).</summary>
    public bool PortMapping { get; init; } = true;

    /// <summary>
    /// TUN offloads (config <c>offloads</c>, default true): the kernel hands over TCP/UDP super-packets of up to 64 KB
    /// that Weft cuts to the MTU itself, and takes coalesced ones back; UDP GSO/GRO batch the underlay the same way.
    /// </summary>
    public bool Offloads { get; init; } = true;

    /// <summary>Interfaces for LAN beacons by name (config <c>lanInterfaces</c>); empty: all usable ones.</summary>
    public IReadOnlyList<string> LanInterfaces { get; init; } = [];

    public const int DefaultListenPort = 51820;
    public const string DefaultInterface = "weft%d";
    public const int DefaultMtu = 1420;
    public const int DefaultTlsPort = 443;

    /// <summary>TCP port taking TLS connections when this node's certificate has the role "relay".</summary>
    public int TlsPort { get; init; } = DefaultTlsPort;

    /// <summary>
    /// Merges the layers. Peers from the file and the command line are both used (command-line
    /// peers first, duplicates removed). Invalid command-line values throw <see cref="ConfigException"/>.
    /// </summary>
    public static DaemonSettings Resolve(WeftConfig file, int? listenPort, string? interfaceName, IReadOnlyList<string> commandLinePeers)
    {
        if (listenPort is { } p && p is < 1 or > 65535)
        {
            throw new ConfigException($"--listen must be between 1 and 65535, got {p}");
        }

        if (interfaceName is not null && !ConfigLoader.IsValidInterfaceName(interfaceName, out var why))
        {
            throw new ConfigException($"--interface {why}, got \"{interfaceName}\"");
        }

        var peers = new List<HostPort>();
        foreach (var text in commandLinePeers)
        {
            if (!HostPort.TryParse(text, out var peer, out var error))
            {
                throw new ConfigException($"--peer: {error}");
            }

            if (!peers.Contains(peer))
            {
                peers.Add(peer);
            }
        }

        foreach (var text in file.Peers)
        {
            // Already validated by ConfigLoader.
            if (HostPort.TryParse(text, out var peer, out _) && !peers.Contains(peer))
            {
                peers.Add(peer);
            }
        }

        return new DaemonSettings(
            listenPort ?? file.ListenPort ?? DefaultListenPort,
            interfaceName ?? file.Interface ?? DefaultInterface,
            file.Mtu ?? DefaultMtu,
            peers,
            ParseLogLevel(file.LogLevel))
        {
            TlsPort = file.TlsPort ?? DefaultTlsPort,
            LanDiscovery = file.LanDiscovery ?? true,
            LanInterfaces = file.LanInterfaces,
            Relay = file.Relay ?? true,
            PortMapping = file.PortMapping ?? true,
            Offloads = file.Offloads ?? true,
        };
    }

    private static LogLevel ParseLogLevel(string? level) => level switch
    {
        null => LogLevel.Information,
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "information" => LogLevel.Information,
        "warning" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "critical" => LogLevel.Critical,
        _ => LogLevel.None,
    };
}
