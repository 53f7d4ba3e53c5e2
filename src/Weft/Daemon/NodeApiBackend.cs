using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Weft.Core.Identity;
using Weft.Core.Node;
using Weft.LocalApi;

namespace Weft.Daemon;

/// <summary>
/// The local API's view of the running node: status snapshots from <see cref="MeshNode.GetStatus"/>
/// mapped to the API's <see cref="StatusReport"/>, and live registration of WireGuard clients
/// (checked against the mesh's ranges first: the API never trusts its caller's addresses blindly).
/// </summary>
internal sealed partial class NodeApiBackend : ILocalApiBackend
{
    private readonly MeshNode _node;
    private readonly CaCertificate _ca;
    private readonly string _interfaceName;
    private readonly ILogger _logger;
    private readonly Func<PortMappingReport> _portMapping;
    private readonly Func<IEnumerable<KeyValuePair<string, long>>>? _dataPathCounters;

    /// <param name="portMapping">The daemon's port mapping state, for netcheck.</param>
    /// <param name="dataPathCounters">The TUN device's and UDP socket's batching counters, added to the status counters.</param>
    public NodeApiBackend(MeshNode node, CaCertificate ca, string interfaceName, ILogger logger, Func<PortMappingReport> portMapping,
                          Func<IEnumerable<KeyValuePair<string, long>>>? dataPathCounters = null)
    {
        _node = node;
        _ca = ca;
        _interfaceName = interfaceName;
        _logger = logger;
        _portMapping = portMapping;
        _dataPathCounters = dataPathCounters;
    }

    public StatusReport GetStatus() =>
        Map(_node.GetStatus(), _interfaceName, Environment.ProcessId, _dataPathCounters?.Invoke()) with { PortMapping = _portMapping() };

    public string? AddWireGuardPeer(WireGuardPeerRequest request)
    {
        var problem = TryParse(request, _ca, out var publicKey, out var allowed);
        if (problem is not null)
        {
            return problem;
        }

        _node.AddWireGuardPeer(request.Name, publicKey, allowed, endpoint: null);
        DaemonLog.WireGuardPeerAdded(_logger, request.Name, request.Ipv4, request.Ipv6);
        return null;
    }

    /// <summary>Checks a WireGuard peer's key and addresses; returns null and the parsed values, or the problem.</summary>
    public static string? TryParse(WireGuardPeerRequest request, CaCertificate ca, out byte[] publicKey, out IPNetwork[] allowedIps)
    {
        publicKey = [];
        allowedIps = [];
        var key = new byte[32];
        if (!Convert.TryFromBase64String(request.PublicKey, key, out var written) || written != 32)
        {
            return $"WireGuard peer {request.Name}: the public key must be 32 bytes of base64";
        }

        if (!IPAddress.TryParse(request.Ipv4, out var v4) || v4.AddressFamily != AddressFamily.InterNetwork || !ca.Ipv4Range.Contains(v4))
        {
            return $"WireGuard peer {request.Name}: {request.Ipv4} is not an IPv4 address inside the mesh range {ca.Ipv4Range}";
        }

        if (!IPAddress.TryParse(request.Ipv6, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6 || !ca.Ipv6Prefix.Contains(v6))
        {
            return $"WireGuard peer {request.Name}: {request.Ipv6} is not an IPv6 address inside the mesh prefix {ca.Ipv6Prefix}";
        }

        publicKey = key;
        allowedIps = [new IPNetwork(v4, 32), new IPNetwork(v6, 128)];
        return null;
    }

    /// <summary>
    /// The API's report from the node's snapshot; counters flattened to "name" / "wireGuard.name", plus
    /// <paramref name="extraCounters"/> (the daemon's data path: "dataPath.name") as they are.
    /// </summary>
    public static StatusReport Map(NodeStatus status, string? interfaceName, int pid, IEnumerable<KeyValuePair<string, long>>? extraCounters = null)
    {
        var peers = new List<PeerReport>(status.Peers.Count);
        foreach (var p in status.Peers)
        {
            peers.Add(new PeerReport(p.Name, p.Kind, p.NodeId, p.PublicKey, p.Ipv4, p.Ipv6, p.Endpoint, p.LastHandshake,
                p.RxBytes, p.TxBytes, p.Verified, p.Problem, p.Path, p.RttMs, p.NatTraversal));
        }

        var counters = new SortedDictionary<string, long>(StringComparer.Ordinal);
        using (var document = JsonSerializer.SerializeToDocument(status.Counters, NodeCountersJsonContext.Default.NodeCounters))
        {
            Flatten(document.RootElement, "", counters);
        }

        foreach (var (name, value) in extraCounters ?? [])
        {
            counters[name] = value;
        }

        var refused = new List<RefusalReport>(status.Refused.Count);
        foreach (var r in status.Refused)
        {
            refused.Add(new RefusalReport(r.Name, r.NodeId, r.Source, r.Reason, r.FirstSeen, r.LastSeen, r.Count));
        }

        return new StatusReport(status.Name, status.MeshName, status.Ipv4, status.Ipv6, status.ListenPort, status.CertNotAfter,
            interfaceName, pid, peers, counters, refused);
    }

    private static void Flatten(JsonElement element, string prefix, SortedDictionary<string, long> into)
    {
        foreach (var property in element.EnumerateObject())
        {
            var name = prefix + property.Name;
            if (property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt64(out var value))
            {
                into[name] = value;
            }
            else if (property.Value.ValueKind == JsonValueKind.Object)
            {
                Flatten(property.Value, name + ".", into);
            }
        }
    }
}
