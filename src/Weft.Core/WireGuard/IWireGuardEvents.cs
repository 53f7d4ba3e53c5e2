using Weft.Core.Net;

namespace Weft.Core.WireGuard;

/// <summary>
/// What a <see cref="WireGuardDevice"/> tells the layer above (the mesh node). Called from
/// whichever thread caused the event (a receive thread, the sending thread or the timer thread),
/// never while the device holds a lock, so an implementation may call back into the device.
/// </summary>
public interface IWireGuardEvents
{
    /// <summary>An authenticated initiation came from a static key that is not a peer: true adds it as a peer and answers.</summary>
    bool AcceptUnknownPeer(ReadOnlySpan<byte> publicKey);

    /// <summary>
    /// A decrypted transport payload (never empty). IPv4/IPv6 packets are trimmed to the length in
    /// their header; other payloads (Weft control messages) keep their zero padding to a multiple
    /// of 16 bytes. The span points into the receive buffer and is valid only during the call.
    /// <paramref name="source"/> is the endpoint the message came from (path probing echoes it).
    /// </summary>
    void OnPayload(WireGuardPeer peer, Span<byte> payload, Endpoint source);

    /// <summary>
    /// An authenticated message from <paramref name="peer"/> came from <paramref name="source"/>,
    /// which is not its current endpoint: true moves the endpoint there (WireGuard roaming), false
    /// keeps it. Called on the receive path: must be quick and allocation-free in steady state.
    /// </summary>
    bool OnNewSource(WireGuardPeer peer, Endpoint source);

    /// <summary>
    /// A new keypair became usable for sending: for the initiator when the response arrives, for
    /// the responder when the first transport message on the new keys arrives.
    /// </summary>
    void OnSessionEstablished(WireGuardPeer peer, bool weInitiated);
}
