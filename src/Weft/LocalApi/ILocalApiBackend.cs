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

    /// <summary>The topology known from link-state adverts.</summary>
    MapReport GetMap();

    /// <summary>
    /// One mesh-level ping to a member's name or overlay address, answered within
    /// <paramref name="timeout"/>: the reply, an unknown-target error, or no reply.
    /// </summary>
    Task<PingOutcome> PingAsync(string target, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>
    /// Asks the public members for our reflexive endpoints (waiting up to <paramref name="timeout"/> for answers),
    /// probes hairpinning, and adds the daemon's port mapping state.
    /// </summary>
    Task<NetcheckReport> NetcheckAsync(TimeSpan timeout, CancellationToken cancellationToken);
}
