using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Weft.Core.Identity;
using Weft.Core.Net;

namespace Weft.State;

/// <summary>
/// <c>peers.json</c>: the peer cache of the running node (<see cref="IPeerCacheStore"/>) — the
/// certificates of peers it verified and the endpoints it last reached them at, so that after a
/// restart it reaches them again with no hello, no beacon and no other member up. Written
/// atomically (temp file, fsync, rename) with mode 0600. The node checks every certificate again
/// when it loads them; this file only stores. A missing file is an empty cache; a damaged file (or
/// a damaged entry) is logged and ignored — never fatal, the node simply starts without it.
/// <code>
/// { "version": 1,
///   "peers": [ { "certificate": "base64 of the binary certificate",
///                "endpoints": ["udp [fe80::1%2]:51820", "udp 192.0.2.7:51820"],
///                "lastSeen": "2026-11-25T10:00:00+00:00" } ] }
/// </code>
/// </summary>
internal sealed class PeerCacheFile : IPeerCacheStore
{
    public const int Version = 1;
    private const int MaxFileSize = 4 * 1024 * 1024;

    private readonly string path;
    private readonly ILogger logger;

    public PeerCacheFile(string path, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(logger);
        this.path = path;
        this.logger = logger;
    }

    public string Path => path;

    public IReadOnlyList<CachedPeer> Load()
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return [];
            }

            if (info.Length > MaxFileSize)
            {
                PeerCacheLog.Ignored(logger, path, $"larger than {MaxFileSize / (1024 * 1024)} MiB");
                return [];
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            PeerCacheLog.Ignored(logger, path, e.Message);
            return [];
        }

        PeerCacheDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(bytes, PeerCacheJsonContext.Readable.PeerCacheDocument);
        }
        catch (JsonException e)
        {
            PeerCacheLog.Ignored(logger, path, $"not valid JSON ({e.Message})");
            return [];
        }

        if (document is null || document.Version != Version || document.Peers is null)
        {
            PeerCacheLog.Ignored(logger, path, document is null ? "empty" : $"not a version {Version} peer cache");
            return [];
        }

        var peers = new List<CachedPeer>(document.Peers.Count);
        for (var i = 0; i < document.Peers.Count; i++)
        {
            var entry = document.Peers[i];
            if (entry?.Certificate is not { Length: > 0 } text)
            {
                PeerCacheLog.EntrySkipped(logger, path, i, "no certificate");
                continue;
            }

            byte[] certificate;
            try
            {
                certificate = Convert.FromBase64String(text);
            }
            catch (FormatException e)
            {
                PeerCacheLog.EntrySkipped(logger, path, i, e.Message);
                continue;
            }

            var endpoints = new List<string>();
            foreach (var endpoint in entry.Endpoints ?? [])
            {
                if (!string.IsNullOrWhiteSpace(endpoint))
                {
                    endpoints.Add(endpoint);
                }
            }

            peers.Add(new CachedPeer(certificate, endpoints, entry.LastSeen));
        }

        return peers;
    }

    public void Save(IReadOnlyList<CachedPeer> peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        var entries = new List<PeerCacheEntry>(peers.Count);
        foreach (var peer in peers)
        {
            entries.Add(new PeerCacheEntry(Convert.ToBase64String(peer.Certificate), peer.Endpoints, peer.LastSeen));
        }

        var json = JsonSerializer.Serialize(new PeerCacheDocument(Version, entries), PeerCacheJsonContext.Readable.PeerCacheDocument);
        try
        {
            AtomicFile.Write(path, Encoding.UTF8.GetBytes(json + "\n"), AtomicFile.Private);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            PeerCacheLog.WriteFailed(logger, path, e.Message);
        }
    }
}
