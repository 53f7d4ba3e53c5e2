namespace Weft.Core.WireGuard;

/// <summary>What preparing a handshake initiation decided.</summary>
internal enum InitiationOutcome
{
    /// <summary>Nothing to send (rate limited, peer removed, or a low-order peer key).</summary>
    Skip,

    /// <summary>The initiation is built: send it.</summary>
    Send,

    /// <summary>REKEY_ATTEMPT_TIME passed without an answer: the handshake and the queue were dropped.</summary>
    GaveUp,
}
