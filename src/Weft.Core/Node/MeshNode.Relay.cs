using System.Collections.Concurrent;
using Weft.Core.Identity;
using Weft.Core.Mesh;
using Weft.Core.Net;
using Weft.Core.WireGuard;

namespace Weft.Core.Node;

/// <summary>
/// Relaying: end-to-end WireGuard messages to members with no direct path travel as relay
/// envelopes (layout in <see cref="RelayEnvelope"/>) hop by hop inside the neighbours' sessions.
/// </summary>
/// <remarks>
/// <code>
///  send   device ──(peer endpoint = RelayEndpoint(D))──► Send ──► SendRelayed
///           envelope(ttl 64, D, us, message) ──► next hop's session (neighbour table / shortest paths)
///  relay  OnPayload 0x06 from a neighbour's direct session
///           ttl 0 ──► drop │ for us ──► device.ReceiveDatagram(inner, RelayEndpoint(source))
///           relaying off ──► drop │ no next hop ──► drop │ else ttl-1 ──► next hop's session
///  TUN    no direct peer owns the address, but a member's advert certificate does
///           ──► on-demand peer with endpoint RelayEndpoint(its node ID), verified by that
///               certificate; the certificate exchange still runs inside the session
/// </code>
/// A relay reads the 34-byte header only: the inner message is the two ends' ciphertext.
/// Envelopes are accepted only from verified members over a direct session (never nested inside
/// a relayed one). Buffers: one send and one receive scratch buffer per thread, so relaying
/// allocates nothing; the receive scratch is in use only while the inner message is handed to
/// the device, and a relayed session never carries an envelope, so it is never re-entered.
/// </remarks>
public sealed partial class MeshNode
{
    private const int MaxEnvelope = RelayEnvelope.HeaderSize + 65535;
    private const int MaxCachedRelayEndpoints = 4096;

    [ThreadStatic]
    private static byte[]? relaySendScratch;

    [ThreadStatic]
    private static byte[]? relayReceiveScratch;

    private const int MaxHeldPackets = 16;
    private static readonly TimeSpan HoldForPeerInitiation = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<NodeId, RelayEndpoint> relayEndpoints = new();

    // ---- guarded by gate ----
    private readonly Dictionary<MeshPeer, HeldPackets> heldForSession = [];

    /// <summary>The path toward <paramref name="destination"/> for display: "via bravo -> charlie", or null when there is none through relays.</summary>
    public string? RelayPathTo(NodeId destination)
    {
        var path = shortestPaths.PathTo(destination);
        if (path.Count < 3)
        {
            return null;
        }

        var names = new List<string>(path.Count - 2);
        for (var i = 1; i < path.Count - 1; i++)
        {
            names.Add(NameOf(path[i]));
        }

        return "via " + string.Join(" -> ", names);
    }

    partial void DescribeRelayPath(RelayEndpoint to, ref string? description) =>
        description = RelayPathTo(to.Destination);

    partial void SendRelayed(ReadOnlySpan<byte> datagram, RelayEndpoint to, ref bool handled)
    {
        handled = true;
        if (!TryGetNextHop(to.Destination, out var hop))
        {
            MeshCounterSet.Add(ref meshCounters.EnvelopesDroppedNoRoute);
            return;
        }

        if (datagram.Length > MaxEnvelope - RelayEnvelope.HeaderSize)
        {
            MeshCounterSet.Add(ref meshCounters.EnvelopesDroppedMalformed);
            return;
        }

        var scratch = relaySendScratch ??= new byte[WireGuardDevice.HeadRoom + MaxEnvelope + WireGuardDevice.TailRoom];
        var length = RelayEnvelope.Write(scratch.AsSpan(WireGuardDevice.HeadRoom), RelayEnvelope.DefaultTtl, to.Destination, keys.NodeId, datagram);
        MeshCounterSet.Add(ref meshCounters.EnvelopesSent);
        device.Send(hop.WireGuard, scratch, WireGuardDevice.HeadRoom, length);
    }

    /// <summary>A relay envelope from <paramref name="peer"/>: deliver it to us, forward it, or drop it (counted).</summary>
    private void ReceiveEnvelope(MeshPeer peer, ReadOnlySpan<byte> message, Endpoint source)
    {
        if (source is RelayEndpoint || !peer.Verified || peer.Kind != MeshPeerKind.Member
            || !RelayEnvelope.TryRead(message, out var ttl, out var to, out var from, out var innerLength) || from == to)
        {
            MeshCounterSet.Add(ref meshCounters.EnvelopesDroppedMalformed);
            MeshLog.EnvelopeDropped(logger, peer.Name, "malformed, relayed, or from an unverified peer");
            return;
        }

        if (ttl == 0)
        {
            MeshCounterSet.Add(ref meshCounters.EnvelopesDroppedTtl);
            MeshLog.EnvelopeDropped(logger, peer.Name, "ttl 0");
            return;
        }

        if (to == keys.NodeId)
        {
            var inbound = relayReceiveScratch ??= new byte[MaxEnvelope];
            message.Slice(RelayEnvelope.HeaderSize, innerLength).CopyTo(inbound);
            MeshCounterSet.Add(ref meshCounters.EnvelopesDelivered);
            device.ReceiveDatagram(inbound.AsSpan(0, innerLength), RelayEndpointFor(from));
            return;
        }

        if (!options.Relay)
        {
            MeshCounterSet.Add(ref meshCounters.EnvelopesDroppedNotRelaying);
            MeshLog.EnvelopeDropped(logger, peer.Name, "relaying is off");
            return;
        }

        if (!TryGetNextHop(to, out var hop))
        {
            MeshCounterSet.Add(ref meshCounters.EnvelopesDroppedNoRoute);
            MeshLog.EnvelopeDropped(logger, peer.Name, "no route to the destination");
            return;
        }

        var length = RelayEnvelope.HeaderSize + innerLength;
        var scratch = relaySendScratch ??= new byte[WireGuardDevice.HeadRoom + MaxEnvelope + WireGuardDevice.TailRoom];
        var envelope = scratch.AsSpan(WireGuardDevice.HeadRoom, length);
        message[..length].CopyTo(envelope);
        RelayEnvelope.DecrementTtl(envelope);
        MeshCounterSet.Add(ref meshCounters.EnvelopesForwarded);
        device.Send(hop.WireGuard, scratch, WireGuardDevice.HeadRoom, length);
    }

    /// <summary>
    /// The neighbour to hand an envelope for <paramref name="destination"/> to: the destination itself when it
    /// is a neighbour, else the shortest path's first hop. Never a peer whose session itself goes through
    /// the mesh (the neighbour table is from the last tick; the session may have moved since), so an
    /// envelope can never be wrapped into itself.
    /// </summary>
    private bool TryGetNextHop(NodeId destination, out MeshPeer hop)
    {
        var table = neighbourTable;
        if ((table.TryGetValue(destination, out hop!) || (shortestPaths.TryGetNextHop(destination, out var id) && table.TryGetValue(id, out hop!)))
            && hop.WireGuard.Endpoint is { Kind: not TransportKind.Relay })
        {
            return true;
        }

        hop = null!;
        return false;
    }

    private RelayEndpoint RelayEndpointFor(NodeId node)
    {
        if (relayEndpoints.TryGetValue(node, out var endpoint))
        {
            return endpoint;
        }

        // The source of an envelope is only a claim: do not let arbitrary ones grow the cache without bound.
        return relayEndpoints.Count < MaxCachedRelayEndpoints
            ? relayEndpoints.GetOrAdd(node, static id => new RelayEndpoint(id))
            : new RelayEndpoint(node);
    }

    /// <summary>
    /// A TUN packet for an address no peer owns yet: if a member's advert certificate owns it, open an
    /// end-to-end session to that member through the mesh and send the packet (queued until the handshake
    /// through the relays completes). False when no member owns it.
    /// </summary>
    /// <remarks>
    /// When both ends start at once (a reply racing the first packet), two WireGuard initiations cross
    /// and each side ends up a responder waiting for the other (until the 5 s rekey). So only the end
    /// with the lower node ID initiates at once; the other holds its first packets (at most
    /// <see cref="MaxHeldPackets"/>) until a session appears or <see cref="HoldForPeerInitiation"/> passes.
    /// </remarks>
    private bool TrySendThroughMesh(Span<byte> buffer, int offset, int length, bool isIpv6, UInt128 destination)
    {
        var advert = meshMembers.Find(isIpv6, destination);
        if (advert is null || !advert.Certificate.IsValidAt(time.GetUtcNow()))
        {
            return false;
        }

        var cert = advert.Certificate;
        var wireGuardPeer = device.FindPeer(cert.SessionKey) ?? device.AddPeer(cert.SessionKey, endpoint: RelayEndpointFor(advert.Origin));
        wireGuardPeer.Endpoint ??= RelayEndpointFor(advert.Origin);
        MeshPeer peer;
        var sendCertificate = false;
        lock (gate)
        {
            if (disposed)
            {
                return true;
            }

            peer = AttachLocked(wireGuardPeer, MeshPeerKind.Member);
            if (peer.Kind != MeshPeerKind.Member || peer.Removed)
            {
                return false;
            }

            if (!peer.Verified)
            {
                if (NodeIdOrder.Instance.Compare(keys.NodeId, advert.Origin) > 0 && !wireGuardPeer.HasSession)
                {
                    if (!heldForSession.TryGetValue(peer, out var held))
                    {
                        held = new HeldPackets(cert, time.GetTimestamp() + Ticks(HoldForPeerInitiation));
                        heldForSession[peer] = held;
                        MeshCounterSet.Add(ref meshCounters.OnDemandSessions);
                    }

                    if (held.Packets.Count < MaxHeldPackets)
                    {
                        var copy = new byte[WireGuardDevice.HeadRoom + length + WireGuardDevice.TailRoom];
                        buffer.Slice(offset, length).CopyTo(copy.AsSpan(WireGuardDevice.HeadRoom));
                        held.Packets.Add(copy);
                    }

                    return true;
                }

                MeshCounterSet.Add(ref meshCounters.OnDemandSessions);
                sendCertificate = VerifyFromAdvertLocked(peer, cert);
            }
        }

        MeshLog.OnDemandSession(logger, cert.Name, advert.Origin.ToString());
        if (sendCertificate)
        {
            SendCertificate(peer, verifiedYours: true);
        }

        NodeCounterSet.Add(ref counters.PacketsFromTun);
        device.Send(peer.WireGuard, buffer, offset, length);
        return true;
    }

    /// <summary>
    /// Opens the end-to-end session to a member known only from link-state adverts, as the first TUN
    /// packet for it would (a mesh-level ping needs one before it can go). Starts the handshake
    /// through the relays by sending our certificate; returns false if no valid advert names the member.
    /// </summary>
    public bool TryOpenMeshSession(NodeId member)
    {
        if (member == keys.NodeId || linkState.Find(member) is not { } advert || !advert.Certificate.IsValidAt(time.GetUtcNow()))
        {
            return false;
        }

        var cert = advert.Certificate;
        var wireGuardPeer = device.FindPeer(cert.SessionKey) ?? device.AddPeer(cert.SessionKey, endpoint: RelayEndpointFor(advert.Origin));
        wireGuardPeer.Endpoint ??= RelayEndpointFor(advert.Origin);
        MeshPeer peer;
        bool sendCertificate;
        lock (gate)
        {
            if (disposed)
            {
                return false;
            }

            peer = AttachLocked(wireGuardPeer, MeshPeerKind.Member);
            if (peer.Kind != MeshPeerKind.Member || peer.Removed)
            {
                return false;
            }

            if (!peer.Verified)
            {
                MeshCounterSet.Add(ref meshCounters.OnDemandSessions);
            }

            sendCertificate = VerifyFromAdvertLocked(peer, cert);
        }

        if (sendCertificate)
        {
            MeshLog.OnDemandSession(logger, cert.Name, advert.Origin.ToString());
            SendCertificate(peer, verifiedYours: true); // queued behind the handshake this starts
        }

        return true;
    }

    /// <summary>
    /// Marks an on-demand peer verified by its advert certificate (the database checked it against the
    /// trust store; the handshake proves the far end holds its session key) and routes to it.
    /// The certificate exchange still runs inside the session. True when our certificate should be sent now.
    /// </summary>
    private bool VerifyFromAdvertLocked(MeshPeer peer, Certificate cert)
    {
        if (!peer.Verified)
        {
            peer.Certificate = cert;
            peer.CertificateBytes = cert.Encode();
            peer.Name = cert.Name;
            peer.Owned = OwnedBy(cert);
            peer.Problem = null;
            peer.Verified = true;
            RebuildRoutesLocked();
        }

        peer.MayRevealCertificate = true;
        if (peer.ExchangeComplete || time.GetTimestamp() < peer.NextCertificateSend)
        {
            return false;
        }

        peer.CertificateSendsLeft = CertificateSendsPerSession;
        NoteCertificateSentLocked(peer);
        return true;
    }

    /// <summary>From the tick: sends held first packets once a session is up (the other end initiated) or the hold expired.</summary>
    private void ReleaseHeldPackets()
    {
        List<(MeshPeer Peer, HeldPackets Held, bool SendCertificate)>? release = null;
        var now = time.GetTimestamp();
        lock (gate)
        {
            if (heldForSession.Count == 0)
            {
                return;
            }

            foreach (var (peer, held) in heldForSession)
            {
                if (peer.Removed || peer.Verified || peer.WireGuard.HasSession || now >= held.Due)
                {
                    (release ??= []).Add((peer, held, !peer.Removed && VerifyFromAdvertLocked(peer, held.Certificate)));
                }
            }

            release?.ForEach(r => heldForSession.Remove(r.Peer));
        }

        foreach (var (peer, held, sendCertificate) in release ?? [])
        {
            if (peer.Removed)
            {
                continue;
            }

            if (sendCertificate)
            {
                SendCertificate(peer, verifiedYours: true);
            }

            foreach (var packet in held.Packets)
            {
                NodeCounterSet.Add(ref counters.PacketsFromTun);
                device.Send(peer.WireGuard, packet, WireGuardDevice.HeadRoom, packet.Length - WireGuardDevice.HeadRoom - WireGuardDevice.TailRoom);
            }
        }
    }

    /// <summary>First packets for an on-demand peer, held while the other end (lower node ID) gets to initiate.</summary>
    private sealed class HeldPackets(Certificate certificate, long due)
    {
        public Certificate Certificate { get; } = certificate;

        public long Due { get; } = due;

        public List<byte[]> Packets { get; } = [];
    }

    /// <summary>A member's name from its advert certificate or its session, else its node ID.</summary>
    private string NameOf(NodeId node)
    {
        if (node == keys.NodeId)
        {
            return certificate.Name;
        }

        if (linkState.Find(node) is { } advert)
        {
            return advert.Certificate.Name;
        }

        lock (gate)
        {
            foreach (var peer in peers)
            {
                if (peer.NodeId == node && peer.Certificate is not null)
                {
                    return peer.Name;
                }
            }
        }

        return node.ToString();
    }
}
