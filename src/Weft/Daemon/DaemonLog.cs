using Microsoft.Extensions.Logging;

namespace Weft.Daemon;

/// <summary>The daemon host's log lines (source generated, fixed event IDs 1000+).</summary>
internal static partial class DaemonLog
{
    [LoggerMessage(1000, LogLevel.Information, "weft {Name} starting: mesh {Mesh}, state {StateDirectory}")]
    public static partial void Starting(ILogger logger, string name, string mesh, string stateDirectory);

    [LoggerMessage(1001, LogLevel.Information, "interface {Interface} up: {Ipv4}, {Ipv6}, mtu {Mtu}")]
    public static partial void InterfaceUp(ILogger logger, string @interface, string ipv4, string ipv6, int mtu);

    [LoggerMessage(1017, LogLevel.Information, "offloads: TUN {Tun}; UDP GSO {Gso}, GRO {Gro}")]
    public static partial void Offloads(ILogger logger, string tun, string gso, string gro);

    [LoggerMessage(1002, LogLevel.Information, "listening on UDP port {Port}; local API on {Socket}")]
    public static partial void Listening(ILogger logger, int port, string socket);

    [LoggerMessage(1003, LogLevel.Information, "static peer {Peer} ({Endpoint})")]
    public static partial void StaticPeer(ILogger logger, string peer, string endpoint);

    [LoggerMessage(1004, LogLevel.Information, "loaded {Count} WireGuard peer(s) from {Path}")]
    public static partial void WireGuardPeersLoaded(ILogger logger, int count, string path);

    [LoggerMessage(1005, LogLevel.Information, "{Signal} received, stopping")]
    public static partial void Stopping(ILogger logger, string signal);

    [LoggerMessage(1006, LogLevel.Information, "stopped; interface {Interface} removed")]
    public static partial void Stopped(ILogger logger, string @interface);

    [LoggerMessage(1007, LogLevel.Error, "TUN read failed, stopping: {Message}")]
    public static partial void TunReadFailed(ILogger logger, string message);

    [LoggerMessage(1008, LogLevel.Warning, "this node's certificate expires {NotAfter:u} (in {Left})")]
    public static partial void CertificateExpiringSoon(ILogger logger, DateTimeOffset notAfter, TimeSpan left);

    [LoggerMessage(1009, LogLevel.Information, "WireGuard peer {Name} ({Ipv4}, {Ipv6}) added through the local API")]
    public static partial void WireGuardPeerAdded(ILogger logger, string name, string ipv4, string ipv6);

    [LoggerMessage(1010, LogLevel.Information, "port mapping: {Mapping}")]
    public static partial void PortMapped(ILogger logger, string mapping);

    [LoggerMessage(1011, LogLevel.Information, "port mapping unavailable: {Reason}")]
    public static partial void PortMappingUnavailable(ILogger logger, string reason);

    [LoggerMessage(1012, LogLevel.Warning, "port mapping lost: {Reason}")]
    public static partial void PortMappingLost(ILogger logger, string reason);

    [LoggerMessage(1013, LogLevel.Debug, "port mapping renewal failed, retrying: {Reason}")]
    public static partial void PortMappingRenewFailed(ILogger logger, string reason);

    [LoggerMessage(1014, LogLevel.Information, "port mapping removed: {Mapping}")]
    public static partial void PortMappingRemoved(ILogger logger, string mapping);

    [LoggerMessage(1015, LogLevel.Warning, "port mapping {Mapping} not removed: {Reason}")]
    public static partial void PortMappingNotRemoved(ILogger logger, string mapping, string reason);

    [LoggerMessage(1016, LogLevel.Information, "local addresses changed: {Addresses}")]
    public static partial void LocalAddressesChanged(ILogger logger, string addresses);

    [LoggerMessage(1050, LogLevel.Information, "ping {Name} ({Address}): no session yet, opening one through the mesh")]
    public static partial void SessionStartedForPing(ILogger logger, string name, string address);
}
