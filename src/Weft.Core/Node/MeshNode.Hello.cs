using Weft.Core.Identity;
using Weft.Core.Net;
using Weft.Core.Paths;

namespace Weft.Core.Node;

/// <summary>
/// The hello exchange (message layouts and checks: <see cref="Hello"/>, <see cref="HelloRequest"/>,
/// <see cref="HelloReply"/>): learning a static peer's key from its endpoint, and answering
/// members who ask for ours. Non-members get no answer at all.
/// </summary>
public sealed partial class MeshNode
{
    private static readonly TimeSpan SimultaneousHelloWindow = TimeSpan.FromSeconds(5);

    private readonly HelloReplayGuard helloReplayGuard = new();

    // ---- guarded by gate ----
    private readonly List<StaticPeer> staticPeers = [];

    private void OnHello(ReadOnlySpan<byte> datagram, Endpoint source)
    {
        if (Hello.IsRequest(datagram))
        {
            OnHelloRequest(datagram, source);
        }
        else
        {
            OnHelloReply(datagram, source);
        }
    }

    /// <summary>A member asks for our certificate: answer only if it is a valid, fresh, signed request from a member.</summary>
    private void OnHelloRequest(ReadOnlySpan<byte> datagram, Endpoint source)
    {
        var now = time.GetUtcNow();
        if (!Hello.TryAcceptRequest(datagram, trustStore, helloReplayGuard, now, out var request, out var error))
        {
            NodeCounterSet.Add(ref counters.HelloRequestsIgnored);
            Log.HelloIgnored(logger, source, error);
            return;
        }

        var asker = request!.Certificate;
        if (asker.SessionKey.AsSpan().SequenceEqual(certificate.SessionKey))
        {
            NodeCounterSet.Add(ref counters.HelloRequestsIgnored);
            Log.HelloIgnored(logger, source, "the hello is our own");
            return;
        }

        Span<byte> nonce = stackalloc byte[Hello.NonceSize];
        random.Fill(nonce);
        var reply = new byte[HelloReply.SizeFor(certificate.EncodedSpan.Length)];
        var length = HelloReply.Write(reply, certificate, keys, nonce, request.Nonce, now);
        NodeCounterSet.Add(ref counters.HelloRequestsAnswered);
        Log.HelloReplied(logger, asker.Name, source);

        // The asker proved membership: expect its handshake, and let it see our certificate.
        var wireGuardPeer = device.AddPeer(asker.SessionKey, endpoint: source);
        wireGuardPeer.Endpoint ??= source;
        lock (gate)
        {
            var peer = AttachLocked(wireGuardPeer, MeshPeerKind.Member);
            NotePathLocked(peer, source, PathSource.Hello);
            peer.MayRevealCertificate = true;
            peer.HelloAnsweredAt = time.GetTimestamp();
            if (!peer.Verified)
            {
                peer.Name = asker.Name; // its certificate verified in the hello; shown while pending
            }
        }

        Send(reply.AsSpan(0, length), source);
    }

    /// <summary>A static peer answered: check the reply, then add its key and start the handshake.</summary>
    private void OnHelloReply(ReadOnlySpan<byte> datagram, Endpoint source)
    {
        // The same checks as Hello.TryAcceptReply, after finding which of our requests it answers.
        if (!HelloReply.TryRead(datagram, out var reply, out var error))
        {
            NodeCounterSet.Add(ref counters.HelloRepliesRejected);
            Log.HelloReplyRejected(logger, source, error);
            return;
        }

        var now = time.GetUtcNow();
        var verdict = trustStore.Verify(reply!.Certificate, now);
        if (verdict != CertificateError.None)
        {
            NodeCounterSet.Add(ref counters.HelloRepliesRejected);
            Log.HelloReplyRejected(logger, source, $"'{reply.Certificate.Name}': {TrustStore.Describe(verdict)}");
            return;
        }

        var answerer = reply.Certificate;
        if (answerer.SessionKey.AsSpan().SequenceEqual(certificate.SessionKey))
        {
            NodeCounterSet.Add(ref counters.HelloRepliesRejected);
            Log.HelloReplyRejected(logger, source, "the static peer is this node itself");
            MarkAnswered(reply.RequestNonce, null);
            return;
        }

        StaticPeer? asked = null;
        lock (gate)
        {
            foreach (var candidate in staticPeers)
            {
                if (!candidate.Answered && (candidate.Nonce.AsSpan().SequenceEqual(reply.RequestNonce)
                                            || candidate.PreviousNonce.AsSpan().SequenceEqual(reply.RequestNonce)))
                {
                    asked = candidate;
                    candidate.Answered = true;
                    candidate.AnsweredAt = time.GetTimestamp();
                    break;
                }
            }

            asked ??= MatchBeaconHelloLocked(reply.RequestNonce);
        }

        if (asked is null)
        {
            NodeCounterSet.Add(ref counters.HelloRepliesRejected);
            Log.HelloReplyRejected(logger, source, "it answers no hello request of ours in flight");
            return;
        }

        NodeCounterSet.Add(ref counters.HelloRepliesAccepted);
        Log.HelloAnswered(logger, answerer.Name, answerer.NodeId.ToString(), source);
        var wireGuardPeer = device.AddPeer(answerer.SessionKey, endpoint: source);
        wireGuardPeer.Endpoint = source;
        MeshPeer peer;
        bool verifiedYours;
        lock (gate)
        {
            peer = AttachLocked(wireGuardPeer, MeshPeerKind.Member);
            asked.Peer = peer;
            NotePathLocked(peer, source, PathSource.Hello);
            NotePathLocked(peer, UdpEndpoint.Of(asked.Endpoint), PathSource.Config);
            peer.Paths.ChosenAt = time.GetTimestamp();
            if (peer.Kind != MeshPeerKind.Member)
            {
                return;
            }

            peer.MayRevealCertificate = true;
            peer.CertificateSendsLeft = CertificateSendsPerSession;
            verifiedYours = peer.Verified;
            if (!peer.Verified)
            {
                peer.Name = answerer.Name;
            }

            NoteCertificateSentLocked(peer);

            // Both sides said hello to each other at once: both would initiate, each would answer the
            // other's initiation and drop the response to its own (WireGuard keeps one handshake per
            // peer), again and again in step. The lower key initiates; the other waits a moment.
            if (peer.HelloAnsweredAt is { } answered && time.GetTimestamp() - answered < ToTimestamp(SimultaneousHelloWindow)
                && certificate.SessionKey.AsSpan().SequenceCompareTo(wireGuardPeer.PublicKeySpan) > 0)
            {
                peer.InitiateWhenDue = true;
                return;
            }
        }

        // Queued until the handshake completes, which this send starts.
        SendCertificate(peer, verifiedYours);
    }

    private void MarkAnswered(ReadOnlySpan<byte> requestNonce, MeshPeer? peer)
    {
        lock (gate)
        {
            foreach (var candidate in staticPeers)
            {
                if (candidate.Nonce.AsSpan().SequenceEqual(requestNonce))
                {
                    candidate.Answered = true;
                    candidate.AnsweredAt = time.GetTimestamp();
                    candidate.Peer = peer;
                }
            }
        }
    }

    /// <summary>
    /// Sends a hello request with a fresh nonce (the previous one stays acceptable): over UDP to the
    /// peer's host:port, scheduling the next try, or over <paramref name="stream"/> (transport fallback).
    /// </summary>
    private void SendHelloRequest(StaticPeer peer, StreamConnection? stream = null)
    {
        var now = time.GetUtcNow();
        var message = new byte[HelloRequest.SizeFor(certificate.EncodedSpan.Length)];
        var attempt = 0;
        lock (gate)
        {
            peer.Nonce.CopyTo(peer.PreviousNonce, 0);
            random.Fill(peer.Nonce);
            if (stream is null)
            {
                peer.Attempts++;
                attempt = peer.Attempts;
                var timestamp = time.GetTimestamp();
                peer.NextAttempt = timestamp + ToTimestamp(StaticPeer.Backoff(attempt));
                if (attempt == 1)
                {
                    peer.RoundStartedAt = timestamp;
                    peer.Stage = StreamFallbackStage.Udp;
                }
            }

            HelloRequest.Write(message, certificate, keys, peer.Nonce, now);
        }

        NodeCounterSet.Add(ref counters.HelloRequestsSent);
        if (attempt > 1)
        {
            Log.HelloRetry(logger, peer.Endpoint, attempt, StaticPeer.Backoff(attempt));
        }

        Send(message, stream ?? (Endpoint)UdpEndpoint.Of(peer.Endpoint));
    }

    /// <summary>Hello retries for unanswered static peers; a new hello for answered ones that lost their session for long.</summary>
    private void TickHellos()
    {
        var timestamp = time.GetTimestamp();
        List<StaticPeer>? due = null;
        lock (gate)
        {
            foreach (var peer in staticPeers)
            {
                if (peer.Answered)
                {
                    var lost = peer.Peer is not { } meshPeer
                        || (!meshPeer.WireGuard.HasSession && !meshPeer.Removed && meshPeer.Kind == MeshPeerKind.Member);
                    if (peer.Peer is { Removed: true } || (lost && timestamp - peer.AnsweredAt >= ToTimestamp(StaticPeer.ReHelloAfter)))
                    {
                        peer.Answered = false;
                        peer.Attempts = 0;
                        peer.NextAttempt = timestamp;
                    }
                    else
                    {
                        continue;
                    }
                }

                if (timestamp >= peer.NextAttempt)
                {
                    (due ??= []).Add(peer);
                }
            }
        }

        if (due is not null)
        {
            foreach (var peer in due)
            {
                SendHelloRequest(peer);
            }
        }
    }

    private long ToTimestamp(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);
}
