namespace Weft.Core.Net;

/// <summary>
/// Persists the peers a node has known (certificates and last endpoints) so it can find them again
/// after a restart without any other help. The daemon stores it as a file in its state directory.
/// </summary>
public interface IPeerCacheStore
{
    IReadOnlyList<CachedPeer> Load();

    void Save(IReadOnlyList<CachedPeer> peers);
}
