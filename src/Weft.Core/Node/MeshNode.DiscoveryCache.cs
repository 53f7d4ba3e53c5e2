using System.Net;
using System.Text;
using Weft.Core.Identity;
using Weft.Core.Net;
using Weft.Core.Paths;

namespace Weft.Core.Node;

/// <summary>
/// The peer cache (<see cref="IPeerCacheStore"/>): at start, every cached peer whose certificate
/// still verifies is added as a member at its last endpoints, so the handshake goes straight there
/// — no hello, no beacon, no other member needed. While running, the verified peers and their
/// endpoints are saved whenever they change (checked every second, written at most every
/// <see cref="PeerCacheSaveInterval"/>, and once more on dispose).
/// </summary>
/// <remarks>
/// <code>
///  start:   Load ─► decode + TrustStore.Verify each certificate ─► member peer at its first UDP endpoint;
///           every cached endpoint becomes a path candidate (PathSource.Discovery), so while no
///           session exists the path policy hands the handshake from a silent one to the next
///  running: verified members + their current endpoint ─ changed? ─► merge into the remembered set ─► Save
/// </code>
/// Peers cached earlier but not connected now stay in the file (with their old LastSeen) until
/// <see cref="PeerCacheMaxAge"/> passes, so a node that restarts while some peers are away still
/// remembers them. Only UDP endpoints are dialled from the cache. Locking: the remembered set and
/// the save state are guarded by the gate; the store is called outside it.
/// </remarks>
public sealed partial class MeshNode
{
    private static readonly TimeSpan PeerCacheCheckInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PeerCacheSaveInterval = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan PeerCacheMaxAge = TimeSpan.FromDays(30);
    private static readonly TimeSpan CachedPeerYield = TimeSpan.FromSeconds(1);
    private const int MaxCachedPeers = 256;
    private const int MaxCachedEndpoints = 4;

    // ---- guarded by gate ----
    private readonly Dictionary<NodeId, CachedPeer> rememberedPeers = [];
    private string savedPeerCache = "";
    private long nextPeerCacheCheck;
    private long nextPeerCacheSave;

    /// <summary>Adds the cached peers whose certificates still verify (constructor).</summary>
    private void LoadPeerCache()
    {
        if (peerCacheStore is null)
        {
            return;
        }

        var entries = peerCacheStore.Load();
        var now = time.GetUtcNow();
        int loaded = 0, rejected = 0;
        foreach (var entry in entries)
        {
            if (!Certificate.TryDecode(entry.Certificate, out var cached, out var error))
            {
                RejectCached(ref rejected, "?", $"undecodable certificate: {error}");
                continue;
            }

            var verdict = trustStore.Verify(cached!, now);
            if (verdict != CertificateError.None)
            {
                RejectCached(ref rejected, cached!.Name, TrustStore.Describe(verdict));
                continue;
            }

            if (cached!.SessionKey.AsSpan().SequenceEqual(certificate.SessionKey))
            {
                continue; // ourselves
            }

            var endpoints = new List<Endpoint>();
            foreach (var text in entry.Endpoints)
            {
                if (TryParseUdp(text, out var endpoint) && !endpoints.Contains(endpoint))
                {
                    endpoints.Add(endpoint);
                }
            }

            lock (gate)
            {
                rememberedPeers[cached.NodeId] = entry;
            }

            if (endpoints.Count == 0)
            {
                RejectCached(ref rejected, cached.Name, "no UDP endpoint to dial");
                continue;
            }

            AddCachedPeer(cached.SessionKey, endpoints[0]);
            var wireGuardPeer = device.FindPeer(cached.SessionKey);
            if (wireGuardPeer?.Tag is MeshPeer peer)
            {
                lock (gate)
                {
                    if (!peer.Verified)
                    {
                        peer.Name = cached.Name; // shown while its certificate is exchanged again
                    }

                    foreach (var endpoint in endpoints)
                    {
                        NotePathLocked(peer, endpoint, PathSource.Discovery);
                    }
                }
            }

            loaded++;
            Interlocked.Increment(ref counters.Discovery.CachedPeersLoaded);
            Log.CachedPeerAdded(logger, cached.Name, endpoints[0].ToString());
        }

        if (entries.Count > 0)
        {
            Log.PeerCacheLoaded(logger, loaded, entries.Count, rejected);
        }

        lock (gate)
        {
            // What is on disk now: nothing to save until something changes.
            savedPeerCache = Fingerprint(CurrentCachePeersLocked());
        }
    }

    /// <summary>
    /// Like <see cref="AddMemberPeer(ReadOnlySpan{byte}, Endpoint)"/>, but when both ends restart at
    /// once and both dial from their caches, their initiations would cross (each answers the other's
    /// and drops the answer to its own, in step): the lower key initiates at once, the higher one
    /// only after <see cref="CachedPeerYield"/> if no session has come up by then.
    /// </summary>
    private void AddCachedPeer(byte[] publicKey, Endpoint endpoint)
    {
        if (certificate.SessionKey.AsSpan().SequenceCompareTo(publicKey) < 0)
        {
            AddMemberPeer(publicKey, endpoint);
            return;
        }

        var wireGuardPeer = device.AddPeer(publicKey, endpoint: endpoint);
        wireGuardPeer.Endpoint ??= endpoint;
        lock (gate)
        {
            var peer = AttachLocked(wireGuardPeer, MeshPeerKind.Member);
            if (peer.Kind == MeshPeerKind.Member)
            {
                peer.MayRevealCertificate = true;
                peer.CertificateSendsLeft = CertificateSendsPerSession;
                peer.InitiateWhenDue = true; // Tick sends our certificate (starting the handshake) when due
                peer.NextCertificateSend = time.GetTimestamp() + ToTimestamp(CachedPeerYield);
            }
        }
    }

    private void RejectCached(ref int rejected, string name, string reason)
    {
        rejected++;
        Interlocked.Increment(ref counters.Discovery.CachedPeersRejected);
        Log.CachedPeerRejected(logger, name, reason);
    }

    /// <summary>Tick: save the cache when the verified peers or their endpoints changed.</summary>
    private void TickPeerCache(long now)
    {
        if (peerCacheStore is null)
        {
            return;
        }

        List<CachedPeer>? snapshot;
        lock (gate)
        {
            if (now < nextPeerCacheCheck || disposed)
            {
                return;
            }

            nextPeerCacheCheck = now + ToTimestamp(PeerCacheCheckInterval);
            if (now < nextPeerCacheSave)
            {
                return;
            }

            snapshot = PeerCacheSnapshotLocked(force: false);
            if (snapshot is not null)
            {
                nextPeerCacheSave = now + ToTimestamp(PeerCacheSaveInterval);
            }
        }

        SavePeerCache(snapshot);
    }

    /// <summary>Dispose: writes the cache once more (last-seen times included) before the device goes away.</summary>
    private void SavePeerCacheOnDispose()
    {
        if (peerCacheStore is null)
        {
            return;
        }

        List<CachedPeer>? snapshot;
        lock (gate)
        {
            snapshot = PeerCacheSnapshotLocked(force: true);
        }

        SavePeerCache(snapshot);
    }

    private void SavePeerCache(List<CachedPeer>? snapshot)
    {
        if (snapshot is null)
        {
            return;
        }

        peerCacheStore!.Save(snapshot);
        Interlocked.Increment(ref counters.Discovery.PeerCacheSaves);
        Log.PeerCacheSaved(logger, snapshot.Count);
    }

    /// <summary>Merges the verified peers into the remembered set and returns what to save; null when nothing changed (unless forced).</summary>
    private List<CachedPeer>? PeerCacheSnapshotLocked(bool force)
    {
        var current = CurrentCachePeersLocked();
        var fingerprint = Fingerprint(current);
        if (!force && fingerprint == savedPeerCache)
        {
            return null;
        }

        var now = time.GetUtcNow();
        foreach (var (id, certificateBytes, endpoint) in current)
        {
            var endpoints = new List<string>(MaxCachedEndpoints);
            if (endpoint is not null)
            {
                endpoints.Add(endpoint);
            }

            if (rememberedPeers.TryGetValue(id, out var earlier))
            {
                foreach (var old in earlier.Endpoints)
                {
                    if (endpoints.Count < MaxCachedEndpoints && !endpoints.Contains(old))
                    {
                        endpoints.Add(old);
                    }
                }
            }

            rememberedPeers[id] = new CachedPeer(certificateBytes, endpoints, now);
        }

        var list = new List<CachedPeer>(rememberedPeers.Count);
        foreach (var (id, entry) in rememberedPeers)
        {
            if (now - entry.LastSeen <= PeerCacheMaxAge)
            {
                list.Add(entry);
            }
        }

        list.Sort((x, y) => y.LastSeen.CompareTo(x.LastSeen));
        if (list.Count > MaxCachedPeers)
        {
            list.RemoveRange(MaxCachedPeers, list.Count - MaxCachedPeers);
        }

        savedPeerCache = fingerprint;
        return list;
    }

    /// <summary>The verified member peers with their certificate and current endpoint (UDP, TCP or TLS; relays are not cached).</summary>
    private List<(NodeId Id, byte[] Certificate, string? Endpoint)> CurrentCachePeersLocked()
    {
        var current = new List<(NodeId, byte[], string?)>();
        foreach (var peer in peers)
        {
            if (peer.Kind == MeshPeerKind.Member && peer.Verified && !peer.Removed && peer.CertificateBytes is { } bytes)
            {
                var endpoint = peer.WireGuard.Endpoint;
                current.Add((peer.NodeId, bytes, endpoint is null or RelayEndpoint ? null : endpoint.ToString()));
            }
        }

        return current;
    }

    private static string Fingerprint(List<(NodeId Id, byte[] Certificate, string? Endpoint)> current)
    {
        current.Sort((x, y) => string.CompareOrdinal(x.Id.ToString(), y.Id.ToString()));
        var text = new StringBuilder();
        foreach (var (id, bytes, endpoint) in current)
        {
            text.Append(id.ToString()).Append(' ').Append(CertificateHash(bytes)).Append(' ').Append(endpoint).Append('\n');
        }

        return text.ToString();
    }

    private static int CertificateHash(byte[] bytes)
    {
        var hash = default(HashCode);
        hash.AddBytes(bytes);
        return hash.ToHashCode();
    }

    /// <summary>Parses the cache's "udp ADDRESS:PORT" form (IPv6 as "[addr%scope]:port").</summary>
    internal static bool TryParseUdp(string text, out Endpoint endpoint)
    {
        endpoint = null!;
        if (text is null || !text.StartsWith("udp ", StringComparison.Ordinal) || !IPEndPoint.TryParse(text.AsSpan(4), out var address)
            || address.Port == 0)
        {
            return false;
        }

        endpoint = UdpEndpoint.Of(address);
        return true;
    }
}
