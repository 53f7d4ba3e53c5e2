using Weft.Core.WireGuard;

namespace Weft.Core.Node;

/// <summary>
/// Is a neighbour link alive? A link is alive while something authenticated arrived from the peer
/// in the last <see cref="NeighbourDeadAfter"/>; to keep that true on an idle link, each side
/// sends a WireGuard keepalive to every neighbour it has sent nothing to for
/// <see cref="NeighbourKeepaliveInterval"/>. A dead link leaves the neighbour set at once (and so
/// the next advert), which is how a dead relay is routed around within seconds.
/// </summary>
/// <remarks>
/// The state below is guarded by the gate; keepalives are collected under it and sent after.
/// RTT comes from path probing when it is measured; until then a link costs
/// <see cref="UnmeasuredCost"/> (shortest paths then means fewest hops).
/// </remarks>
public sealed partial class MeshNode
{
    private static readonly TimeSpan NeighbourDeadAfter = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan NeighbourKeepaliveInterval = TimeSpan.FromSeconds(1);

    // ---- guarded by gate ----
    private readonly Dictionary<MeshPeer, LinkLiveness> liveness = [];
    private readonly List<MeshPeer> keepalivesDue = [];

    // ---- Tick thread only ----
    private readonly byte[] keepaliveBuffer = new byte[WireGuardDevice.HeadRoom + WireGuardDevice.TailRoom];

    /// <summary>
    /// Whether the direct link to <paramref name="peer"/> is alive, and its measured RTT if known.
    /// Called under the gate from the mesh tick; notes keepalives to send.
    /// </summary>
    private bool NeighbourLink(MeshPeer peer, out TimeSpan? rtt)
    {
        rtt = null;
        var now = time.GetTimestamp();
        var rx = peer.WireGuard.RxBytes;
        var tx = peer.WireGuard.TxBytes;
        if (!liveness.TryGetValue(peer, out var state))
        {
            state = new LinkLiveness { Rx = rx, Tx = tx, HeardAt = now, SentAt = now };
            liveness[peer] = state;
        }

        if (rx != state.Rx)
        {
            state.Rx = rx;
            state.HeardAt = now;
        }

        if (tx != state.Tx)
        {
            state.Tx = tx;
            state.SentAt = now;
        }
        else if (now - state.SentAt >= Ticks(NeighbourKeepaliveInterval))
        {
            state.SentAt = now;
            keepalivesDue.Add(peer);
        }

        state.Checked = now;
        return now - state.HeardAt < Ticks(NeighbourDeadAfter);
    }

    /// <summary>Forgets links not checked this tick (the peer stopped being a candidate), and takes the keepalives to send.</summary>
    private MeshPeer[] TakeKeepalivesLocked()
    {
        var now = time.GetTimestamp();
        List<MeshPeer>? stale = null;
        foreach (var (peer, state) in liveness)
        {
            if (state.Checked != now)
            {
                (stale ??= []).Add(peer);
            }
        }

        stale?.ForEach(p => liveness.Remove(p));
        MeshPeer[] due = [.. keepalivesDue];
        keepalivesDue.Clear();
        return due;
    }

    private void SendKeepalives(MeshPeer[] due)
    {
        foreach (var peer in due)
        {
            device.Send(peer.WireGuard, keepaliveBuffer, WireGuardDevice.HeadRoom, 0);
        }
    }

    /// <summary>What the mesh tick last saw of one neighbour link (monotonic timestamps).</summary>
    private sealed class LinkLiveness
    {
        public long Rx;
        public long Tx;
        public long HeardAt;
        public long SentAt;
        public long Checked;
    }
}
