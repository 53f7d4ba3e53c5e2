namespace Weft.Core.WireGuard;

/// <summary>
/// The Noise symmetric state of one handshake in progress (chaining key, hash) plus the values a
/// message needs later: our ephemeral private key, the peer's ephemeral, and both sender indexes.
/// </summary>
/// <remarks>Owned by a <see cref="WireGuardPeer"/> and guarded by its <c>Gate</c>.</remarks>
internal sealed class HandshakeState
{
    public byte[] ChainingKey { get; } = new byte[32];

    public byte[] Hash { get; } = new byte[32];

    public byte[] LocalEphemeralPrivate { get; } = new byte[32];

    public byte[] RemoteEphemeral { get; } = new byte[32];

    public uint LocalIndex { get; set; }

    public uint RemoteIndex { get; set; }

    public void CopyTo(HandshakeState other)
    {
        ChainingKey.CopyTo(other.ChainingKey, 0);
        Hash.CopyTo(other.Hash, 0);
        LocalEphemeralPrivate.CopyTo(other.LocalEphemeralPrivate, 0);
        RemoteEphemeral.CopyTo(other.RemoteEphemeral, 0);
        other.LocalIndex = LocalIndex;
        other.RemoteIndex = RemoteIndex;
    }

    /// <summary>Wipes the secrets.</summary>
    public void Clear()
    {
        Array.Clear(ChainingKey);
        Array.Clear(Hash);
        Array.Clear(LocalEphemeralPrivate);
        Array.Clear(RemoteEphemeral);
        LocalIndex = 0;
        RemoteIndex = 0;
    }
}
