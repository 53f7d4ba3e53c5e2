namespace Weft.Core.WireGuard;

/// <summary>
/// The timers of the WireGuard paper, evaluated on each <see cref="Tick"/> against
/// <see cref="TimeProvider.GetTimestamp"/> (monotonic):
/// <list type="bullet">
/// <item>retransmit an unanswered initiation after REKEY_TIMEOUT + jitter, give up after REKEY_ATTEMPT_TIME;</item>
/// <item>keepalive when data arrived and we sent nothing for KEEPALIVE_TIMEOUT;</item>
/// <item>new handshake when we sent data and received nothing for KEEPALIVE_TIMEOUT + REKEY_TIMEOUT;</item>
/// <item>erase all keys 3 × REJECT_AFTER_TIME after the last handshake;</item>
/// <item>persistent keepalive when nothing went either way for the configured interval.</item>
/// </list>
/// </summary>
public sealed partial class WireGuardDevice
{
    /// <summary>Runs the timers; call every ~100 ms from one thread.</summary>
    public void Tick()
    {
        if (disposed)
        {
            return;
        }

        foreach (var peer in peerSnapshot)
        {
            TickPeer(peer);
        }

        DisposeRetired(Now);
    }

    private void TickPeer(WireGuardPeer peer)
    {
        var now = Now;
        bool retransmit;
        var zeroed = false;
        lock (peer.Gate)
        {
            if (peer.Removed)
            {
                return;
            }

            retransmit = now >= peer.RetransmitDeadline;
            if (now >= peer.ZeroKeysDeadline)
            {
                ClearKeysLocked(peer);
                zeroed = true;
            }
        }

        if (zeroed)
        {
            Interlocked.Increment(ref Counters.keysZeroed);
            WireGuardLog.KeysZeroed(logger, peer.Name);
            return;
        }

        if (retransmit)
        {
            InitiateHandshake(peer, isRetry: true);
        }

        if (now >= Volatile.Read(ref peer.KeepaliveDeadline)
            && Interlocked.Exchange(ref peer.KeepaliveDeadline, WireGuardPeer.NotArmed) != WireGuardPeer.NotArmed)
        {
            SendKeepalive(peer);
        }

        if (now >= Volatile.Read(ref peer.NewHandshakeDeadline)
            && Interlocked.Exchange(ref peer.NewHandshakeDeadline, WireGuardPeer.NotArmed) != WireGuardPeer.NotArmed)
        {
            InitiateHandshake(peer, isRetry: false);
        }

        var persistent = peer.PersistentKeepaliveTicks;
        if (persistent > 0 && peer.Endpoint is not null
            && now - Volatile.Read(ref peer.LastTraversalAt) >= ToTimestamp(TimeSpan.FromTicks(persistent)))
        {
            SendKeepalive(peer);
        }
    }
}
