using System.Text;
using System.Text.Json;
using Weft.Cli;
using Weft.Core.Identity;

namespace Weft.State;

/// <summary>
/// <c>wireguard-peers.json</c>: the WireGuard clients registered on this node, loaded by the daemon
/// at start. Written atomically (temp file, fsync, rename) with mode 0600.
/// <code>
/// { "peers": [ { "name": "phone", "publicKey": "base64", "ipv4": "100.90.0.7", "ipv6": "fd..", "added": "2026-..." } ] }
/// </code>
/// </summary>
internal sealed class WireGuardPeerStore
{
    private readonly string _path;
    private readonly List<WireGuardPeerRecord> _peers;

    private WireGuardPeerStore(string path, List<WireGuardPeerRecord> peers)
    {
        _path = path;
        _peers = peers;
    }

    public IReadOnlyList<WireGuardPeerRecord> Peers => _peers;

    /// <summary>Loads the file; a missing file is an empty store, a damaged one a user error.</summary>
    public static WireGuardPeerStore Load(string path)
    {
        if (!File.Exists(path))
        {
            return new WireGuardPeerStore(path, []);
        }

        try
        {
            var file = JsonSerializer.Deserialize(File.ReadAllBytes(path), WireGuardPeerStoreJsonContext.Readable.WireGuardPeerFile);
            return new WireGuardPeerStore(path, [.. file?.Peers ?? []]);
        }
        catch (JsonException e)
        {
            throw new UserErrorException($"{path} is damaged: {e.Message}", e);
        }
    }

    public WireGuardPeerRecord? Find(string name) => _peers.Find(p => string.Equals(p.Name, name, StringComparison.Ordinal));

    public void Add(WireGuardPeerRecord peer) => _peers.Add(peer);

    public void Save()
    {
        var json = JsonSerializer.Serialize(new WireGuardPeerFile(_peers), WireGuardPeerStoreJsonContext.Readable.WireGuardPeerFile);
        AtomicFile.Write(_path, Encoding.UTF8.GetBytes(json + "\n"), AtomicFile.Private);
    }
}
