using Weft.Core.Identity;
using Weft.Core.Net;

namespace Weft.Core.Node;

/// <summary>
/// Control messages inside a session, and the certificate exchange they carry (the message
/// layout is drawn in <see cref="CertificateMessage"/>; type numbers in <see cref="ControlMessageType"/>).
/// </summary>
/// <remarks>
/// Who speaks first: the side that initiated the handshake (or that proved membership in a hello)
/// sends its certificate when the session is established. A responder that accepted an unknown
/// key waits for the initiator's certificate and answers only once it verifies, so a non-member
/// that knows our key learns nothing. Whoever verifies a certificate answers with its own,
/// flag "verified yours" set; a side repeats its certificate every
/// <see cref="CertificateResendInterval"/> until it has verified the peer's and seen the peer's flag.
/// </remarks>
public sealed partial class MeshNode
{
    private void ReceiveControlMessage(MeshPeer peer, ReadOnlySpan<byte> message, Endpoint source)
    {
        switch ((ControlMessageType)message[0])
        {
            case ControlMessageType.Certificate:
                ReceiveCertificate(peer, message);
                break;
            case ControlMessageType.LinkStateAdvert:
                ReceiveAdvert(peer, message);
                break;
            case ControlMessageType.RelayEnvelope:
                ReceiveEnvelope(peer, message, source);
                break;
            case ControlMessageType.Ping:
                ReceivePing(peer, message, source);
                break;
            case ControlMessageType.Pong:
                ReceivePong(peer, message, source);
                break;
            case ControlMessageType.CallMeMaybe:
                ReceiveCallMeMaybe(peer, message);
                break;
            default:
                NodeCounterSet.Add(ref counters.ControlMessagesMalformed);
                Log.ControlMessageMalformed(logger, peer.Name, message[0], "unknown or unsupported type");
                break;
        }
    }

    private void ReceiveCertificate(MeshPeer peer, ReadOnlySpan<byte> message)
    {
        if (!CertificateMessage.TryRead(message, out var encoded, out var verifiedYours))
        {
            NodeCounterSet.Add(ref counters.ControlMessagesMalformed);
            Log.ControlMessageMalformed(logger, peer.Name, message[0], "truncated certificate message or unknown flags");
            return;
        }

        bool alreadyVerified;
        lock (gate)
        {
            if (peer.Kind != MeshPeerKind.Member || peer.Removed)
            {
                NodeCounterSet.Add(ref counters.ControlMessagesMalformed);
                Log.ControlMessageMalformed(logger, peer.Name, message[0], "certificate from a peer that does not take part in the exchange");
                return;
            }

            alreadyVerified = peer.Verified && peer.CertificateBytes is { } known && encoded.SequenceEqual(known);
        }

        // Decoding and the signature check happen outside the lock; a copy we already verified is not checked again.
        var now = time.GetUtcNow();
        Certificate? received = null;
        string? problem = null;
        if (!alreadyVerified)
        {
            if (!Certificate.TryDecode(encoded, out received, out var decodeError) || received is null)
            {
                problem = $"{TrustStore.Describe(CertificateError.Malformed)} ({decodeError})";
            }
            else if (trustStore.Verify(received, now) is var error && error != CertificateError.None)
            {
                problem = TrustStore.Describe(error);
            }
            else if (!received.SessionKey.AsSpan().SequenceEqual(peer.WireGuard.PublicKeySpan))
            {
                problem = "the certificate is for a different session key than this peer's";
            }
        }

        bool reply;
        bool logVerified = false;
        bool logProblem = false;
        lock (gate)
        {
            if (peer.Removed)
            {
                return;
            }

            if (verifiedYours)
            {
                peer.TheyHaveOurs = true;
            }

            if (alreadyVerified)
            {
                // They still need ours if their flag is not set.
                reply = !verifiedYours;
            }
            else if (problem is null && received is not null)
            {
                peer.Certificate = received;
                peer.CertificateBytes = encoded.ToArray();
                peer.Name = received.Name;
                peer.Owned = OwnedBy(received);
                peer.Problem = null;
                peer.Verified = true;
                peer.MayRevealCertificate = true;
                RebuildRoutesLocked();
                NodeCounterSet.Add(ref counters.CertificatesVerified);
                logVerified = true;
                reply = true; // our certificate, flag set: the ack (and theirs to verify if they have not yet)
            }
            else
            {
                var wasVerified = peer.Verified;
                peer.Verified = false;
                peer.Problem = problem;
                if (wasVerified)
                {
                    RebuildRoutesLocked();
                }

                NodeCounterSet.Add(ref counters.CertificatesRejected);
                logProblem = peer.WarnedProblems.Add(problem!);
                reply = false;
            }

            reply &= peer.MayRevealCertificate;
            if (reply)
            {
                NoteCertificateSentLocked(peer);
            }
        }

        if (logVerified)
        {
            Log.CertificateVerified(logger, peer.Name, peer.NodeId.ToString(), received!.NotAfter);
        }

        if (logProblem)
        {
            Log.CertificateRejected(logger, peer.Name, peer.NodeId.ToString(), problem!);
        }

        if (reply)
        {
            SendCertificate(peer, verifiedYours: true);
        }
    }

    /// <summary>Sends our certificate to <paramref name="peer"/>. Never called with the gate held.</summary>
    private void SendCertificate(MeshPeer peer, bool verifiedYours)
    {
        var message = verifiedYours ? certificateMessageVerified : certificateMessageUnverified;
        NodeCounterSet.Add(ref counters.CertificatesSent);
        device.Send(peer.WireGuard, message);
    }

    private void NoteCertificateSentLocked(MeshPeer peer)
    {
        peer.NextCertificateSend = time.GetTimestamp() + (long)(CertificateResendInterval.TotalSeconds * time.TimestampFrequency);
        if (peer.CertificateSendsLeft > 0)
        {
            peer.CertificateSendsLeft--;
        }
    }

    /// <summary>
    /// Timer work for certificates: resend ours where the exchange is unfinished, unverify peers
    /// whose certificate expired, and warn (daily) when our own is about to.
    /// </summary>
    private void TickCertificates(List<(MeshPeer Peer, bool VerifiedYours)> sends)
    {
        var now = time.GetUtcNow();
        var timestamp = time.GetTimestamp();
        lock (gate)
        {
            var routesChanged = false;
            foreach (var peer in peers)
            {
                if (peer.Kind != MeshPeerKind.Member || peer.Removed)
                {
                    continue;
                }

                if (peer.Verified && peer.Certificate is { } cert && (now > cert.NotAfter || now < cert.NotBefore))
                {
                    var error = now > cert.NotAfter ? CertificateError.Expired : CertificateError.NotYetValid;
                    var problem = TrustStore.Describe(error);
                    peer.Verified = false;
                    peer.Problem = problem;
                    peer.CertificateBytes = null;
                    routesChanged = true;
                    NodeCounterSet.Add(ref counters.CertificatesExpired);
                    if (peer.WarnedProblems.Add(problem))
                    {
                        Log.PeerCertificateExpired(logger, peer.Name, peer.NodeId.ToString(), cert.NotAfter);
                    }
                }

                var hasSession = peer.WireGuard.HasSession;
                if (hasSession)
                {
                    peer.InitiateWhenDue = false;
                }

                if (peer.MayRevealCertificate && !peer.ExchangeComplete && (hasSession || peer.InitiateWhenDue)
                    && peer.CertificateSendsLeft > 0 && timestamp >= peer.NextCertificateSend)
                {
                    peer.InitiateWhenDue = false;
                    sends.Add((peer, peer.Verified));
                    NoteCertificateSentLocked(peer);
                }
            }

            if (routesChanged)
            {
                RebuildRoutesLocked();
            }

            var left = certificate.NotAfter - now;
            if (left < OwnCertificateWarningWindow
                && (lastOwnExpiryWarning is not { } last
                    || timestamp - last >= (long)(OwnCertificateWarningInterval.TotalSeconds * time.TimestampFrequency)))
            {
                lastOwnExpiryWarning = timestamp;
                Log.OwnCertificateExpiring(logger, certificate.NotAfter, left < TimeSpan.Zero ? TimeSpan.Zero : left);
            }
        }
    }

    /// <summary>The addresses a member certificate owns: its IPv4 host address(es), its IPv6, its subnets.</summary>
    internal static OwnedAddresses OwnedBy(Certificate cert)
    {
        var entries = new List<AddressPrefix>();
        foreach (var ipv4 in cert.Ipv4)
        {
            entries.Add(AddressPrefix.Host(ipv4.Address));
        }

        entries.Add(AddressPrefix.Host(cert.Ipv6));
        foreach (var subnet in cert.Subnets)
        {
            entries.Add(AddressPrefix.From(subnet));
        }

        return new OwnedAddresses(entries);
    }
}
