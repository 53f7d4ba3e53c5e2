using System.Net;
using Weft.Core.Net;

namespace Weft.Core.Node;

/// <summary>Adding member peers by endpoint (hello) or by key, and sending control messages to them.</summary>
public sealed partial class MeshNode
{
    /// <summary>
    /// A peer known only by <c>host:port</c>: say hello (our certificate, a fresh nonce, signed)
    /// until it answers, then handshake with the key it proved and exchange certificates.
    /// </summary>
    public void AddStaticPeer(IPEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        StaticPeer peer;
        lock (gate)
        {
            foreach (var existing in staticPeers)
            {
                if (existing.Endpoint.Equals(endpoint))
                {
                    return;
                }
            }

            peer = new StaticPeer(endpoint);
            staticPeers.Add(peer);
        }

        Log.StaticPeerAdded(logger, endpoint);
        SendHelloRequest(peer);
    }

    /// <summary>
    /// A member known by its session key (e.g. remembered from an earlier run): handshake with it
    /// at <paramref name="endpoint"/> and exchange certificates. It carries IP packets only once its
    /// certificate verifies.
    /// </summary>
    public void AddMemberPeer(ReadOnlySpan<byte> publicKey, IPEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        AddMemberPeer(publicKey, UdpEndpoint.Of(endpoint));
    }

    /// <summary>
    /// A member known by its session key, reachable at <paramref name="endpoint"/> (any transport):
    /// handshake with it there and exchange certificates.
    /// </summary>
    public void AddMemberPeer(ReadOnlySpan<byte> publicKey, Endpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var wireGuardPeer = device.AddPeer(publicKey, endpoint: endpoint);
        wireGuardPeer.Endpoint ??= endpoint;
        MeshPeer peer;
        bool verifiedYours;
        lock (gate)
        {
            peer = AttachLocked(wireGuardPeer, MeshPeerKind.Member);
            if (peer.Kind != MeshPeerKind.Member)
            {
                return;
            }

            peer.MayRevealCertificate = true;
            peer.CertificateSendsLeft = CertificateSendsPerSession;
            verifiedYours = peer.Verified;
            NoteCertificateSentLocked(peer);
        }

        // Queued by the device until the handshake completes (which this send starts).
        SendCertificate(peer, verifiedYours);
    }

    /// <summary>Sends a raw control message to a peer by key; false when there is no such peer. For tests and later control messages.</summary>
    internal bool SendControlMessage(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message)
    {
        var wireGuardPeer = device.FindPeer(publicKey);
        if (wireGuardPeer is null)
        {
            return false;
        }

        device.Send(wireGuardPeer, message);
        return true;
    }
}
