namespace Weft.LocalApi;

/// <summary>
/// What the local API asks of the daemon. The real one wraps the running MeshNode; tests pass a fake.
/// Implementations are called from Kestrel threads and must be thread-safe.
/// </summary>
internal interface ILocalApiBackend
{
    StatusReport GetStatus();

    /// <summary>Registers a WireGuard client live; returns null on success or a user-facing error.</summary>
    string? AddWireGuardPeer(WireGuardPeerRequest request);
}
