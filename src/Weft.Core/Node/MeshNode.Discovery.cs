using System.Net;
using Weft.Core.Discovery;
using Weft.Core.Net;

namespace Weft.Core.Node;

/// <summary>
/// LAN discovery: announcing this node with <see cref="Beacon"/>s through the
/// <see cref="ILanAnnouncer"/>, and saying hello to members of our CA that announce themselves.
/// </summary>
/// <remarks>
/// <code>
///  Tick ── every 2 s for the first 10 s, then every 5 s ──► ILanAnnouncer.Announce(our beacon)
///
///  OnDatagram: "WEF\x03" ─► OnBeacon ─ malformed / other CA / our own? ─► counted, ignored
///                                    ├ a peer with a live session, or one about to handshake? ─► nothing
///                                    ├ hello to source address (scope kept) : beacon port   (≤ 1 per source per 2 s, ≤ 16/s in all)
///                                    └ our beacon straight back to it, so it learns us too (≤ 1 per source per 5 s)
/// </code>
/// The hello is the static-peer hello (MeshNode.Hello.cs): a <see cref="StaticPeer"/> per source,
/// matched by its nonce when the reply comes, and not retried on its own — the next beacon is the
/// retry. A beacon proves nothing: only members answer a hello, and only a verified reply starts a
/// handshake. The per-source table is bounded (<see cref="MaxBeaconContacts"/>, oldest evicted).
/// Locking: <see cref="beaconContacts"/> and the contacts' fields are guarded by the gate; the
/// announce schedule is touched only by the tick thread.
/// </remarks>
public sealed partial class MeshNode
{
    private static readonly TimeSpan BeaconFastInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan BeaconFastPhase = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan BeaconSlowInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan BeaconHelloInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan BeaconAnswerInterval = TimeSpan.FromSeconds(5);
    private const int MaxBeaconContacts = 64;
    private const int MaxBeaconHellosPerSecond = 16;

    private byte[] beaconMessage = [];
    private long discoveryStartedAt;

    // ---- tick thread only ----
    private long nextAnnounce;

    // ---- guarded by gate ----
    private readonly Dictionary<IPEndPoint, BeaconContact> beaconContacts = [];
    private long beaconHelloSecond;
    private int beaconHellosThisSecond;

    /// <summary>Our beacon as sent (empty when the listen port cannot be announced).</summary>
    internal ReadOnlySpan<byte> BeaconMessage => beaconMessage;

    /// <summary>Called at the end of the constructor: the beacon, the announce schedule, the peer cache.</summary>
    private void StartDiscovery()
    {
        discoveryStartedAt = time.GetTimestamp();
        nextAnnounce = discoveryStartedAt;
        if (options.ListenPort is > 0 and <= ushort.MaxValue)
        {
            beaconMessage = Beacon.Create(ca.Id, keys.NodeId, (ushort)options.ListenPort);
        }

        LoadPeerCache();
    }

    /// <summary>Called by Tick: announce when due, rotate cached endpoints, save the peer cache when it changed.</summary>
    private void TickDiscovery()
    {
        var now = time.GetTimestamp();
        if (lanAnnouncer is not null && beaconMessage.Length > 0 && now >= nextAnnounce)
        {
            var fast = now - discoveryStartedAt < ToTimestamp(BeaconFastPhase);
            nextAnnounce = now + ToTimestamp(fast ? BeaconFastInterval : BeaconSlowInterval);
            Interlocked.Increment(ref counters.Discovery.BeaconsSent);
            lanAnnouncer.Announce(beaconMessage);
        }

        TickPeerCache(now);
    }

    /// <summary>A datagram of the beacon type from the underlay.</summary>
    private void OnBeacon(ReadOnlySpan<byte> datagram, IPEndPoint source)
    {
        if (!Beacon.TryRead(datagram, out var beacon))
        {
            Interlocked.Increment(ref counters.Discovery.BeaconsMalformed);
            Log.BeaconIgnored(logger, source, "malformed");
            return;
        }

        if (!beacon.IsFromCa(ca.Id))
        {
            Interlocked.Increment(ref counters.Discovery.BeaconsOtherCa);
            Log.BeaconIgnored(logger, source, "another CA");
            return;
        }

        if (beacon.NodeId == keys.NodeId)
        {
            Interlocked.Increment(ref counters.Discovery.BeaconsOwn);
            return;
        }

        Interlocked.Increment(ref counters.Discovery.BeaconsReceived);
        var now = time.GetTimestamp();
        var target = new IPEndPoint(source.Address, beacon.ListenPort); // keeps the scope id of a link-local source
        BeaconContact contact;
        bool sendHello;
        bool sendAnswer;
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            MeshPeer? known = null;
            foreach (var peer in peers)
            {
                if (!peer.Removed && peer.NodeId == beacon.NodeId)
                {
                    known = peer;
                    break;
                }
            }

            if (known is not null && known.WireGuard.HasSession)
            {
                return; // connected already: nothing to learn
            }

            // It said hello to us a moment ago and is about to handshake: our own hello would only cross it.
            var aboutToHandshake = known?.HelloAnsweredAt is { } answered && now - answered < ToTimestamp(SimultaneousHelloWindow);
            contact = ContactLocked(target, now);
            sendHello = !aboutToHandshake && (contact.HelloSentAt is not { } hello || now - hello >= ToTimestamp(BeaconHelloInterval))
                        && TakeBeaconHelloLocked(now);
            sendAnswer = beaconMessage.Length > 0
                         && (contact.AnsweredAt is not { } answer || now - answer >= ToTimestamp(BeaconAnswerInterval));
            if (sendHello)
            {
                contact.HelloSentAt = now;
                contact.Hello.Answered = false;
                contact.Hello.Attempts = 0;
            }

            if (sendAnswer)
            {
                contact.AnsweredAt = now;
            }
        }

        if (sendAnswer)
        {
            Interlocked.Increment(ref counters.Discovery.BeaconsSent);
            Send(beaconMessage, UdpEndpoint.Of(target));
        }

        if (sendHello)
        {
            Interlocked.Increment(ref counters.Discovery.BeaconHellosSent);
            Log.BeaconHello(logger, source, beacon.NodeId.ToString(), beacon.ListenPort);
            SendHelloRequest(contact.Hello);
        }
    }

    /// <summary>The overall cap on beacon hellos (many sources at once): true while this second has some left.</summary>
    private bool TakeBeaconHelloLocked(long now)
    {
        var second = now / time.TimestampFrequency;
        if (second != beaconHelloSecond)
        {
            beaconHelloSecond = second;
            beaconHellosThisSecond = 0;
        }

        return beaconHellosThisSecond++ < MaxBeaconHellosPerSecond;
    }

    /// <summary>The contact for <paramref name="target"/>, created (evicting the longest-unheard one when full) if new.</summary>
    private BeaconContact ContactLocked(IPEndPoint target, long now)
    {
        if (!beaconContacts.TryGetValue(target, out var contact))
        {
            if (beaconContacts.Count >= MaxBeaconContacts)
            {
                IPEndPoint? oldest = null;
                var oldestHeard = long.MaxValue;
                foreach (var (endpoint, candidate) in beaconContacts)
                {
                    if (candidate.HeardAt < oldestHeard)
                    {
                        oldestHeard = candidate.HeardAt;
                        oldest = endpoint;
                    }
                }

                beaconContacts.Remove(oldest!);
            }

            contact = new BeaconContact(new StaticPeer(target));
            beaconContacts.Add(target, contact);
        }

        contact.HeardAt = now;
        return contact;
    }

    /// <summary>
    /// The beacon hello that a hello reply answers (by its nonce), marked answered; null if none.
    /// Called by OnHelloReply under the gate, after the static peers.
    /// </summary>
    private StaticPeer? MatchBeaconHelloLocked(ReadOnlySpan<byte> requestNonce)
    {
        foreach (var contact in beaconContacts.Values)
        {
            var hello = contact.Hello;
            if (!hello.Answered && hello.Attempts > 0 && hello.Nonce.AsSpan().SequenceEqual(requestNonce))
            {
                hello.Answered = true;
                hello.AnsweredAt = time.GetTimestamp();
                return hello;
            }
        }

        return null;
    }

    /// <summary>What we did about the beacons from one source (address with scope, and port). Guarded by the gate.</summary>
    private sealed class BeaconContact(StaticPeer hello)
    {
        /// <summary>The hello to the source: nonce in flight, answered or not.</summary>
        public StaticPeer Hello { get; } = hello;

        public long HeardAt { get; set; }

        public long? HelloSentAt { get; set; }

        public long? AnsweredAt { get; set; }
    }
}
