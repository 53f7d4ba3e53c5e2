using Weft.Core.Crypto;

namespace Weft.Core.WireGuard;

/// <summary>
/// One set of transport keys made by a completed handshake: the send and receive AEAD keys, both
/// sender indexes, the send counter and the receive replay window.
/// </summary>
/// <remarks>
/// Read by any thread without a lock once published. The send counter is an Interlocked counter;
/// the replay window has its own lock. Every use of the AEAD keys is bracketed by
/// <see cref="TryEnter"/>/<see cref="Exit"/>; a retired keypair is refused by TryEnter at once and
/// disposed by the device only once no thread is inside (<see cref="IsIdle"/>), so no thread ever
/// uses disposed keys.
/// </remarks>
internal sealed class Keypair : IDisposable
{
    private readonly Lock replayGate = new();
    private readonly ReplayWindow replay = new();
    private ulong nextSendCounter;
    private int retired;
    private int users;

    public Keypair(ReadOnlySpan<byte> sendKey, ReadOnlySpan<byte> receiveKey, bool isInitiator, uint localIndex, uint remoteIndex, long createdAt)
    {
        SendKey = new ChaCha20Poly1305Key(sendKey);
        ReceiveKey = new ChaCha20Poly1305Key(receiveKey);
        IsInitiator = isInitiator;
        LocalIndex = localIndex;
        RemoteIndex = remoteIndex;
        CreatedAt = createdAt;
    }

    public ChaCha20Poly1305Key SendKey { get; }

    public ChaCha20Poly1305Key ReceiveKey { get; }

    /// <summary>True if we sent the initiation of the handshake that made this keypair.</summary>
    public bool IsInitiator { get; }

    /// <summary>Our index: the receiver index on transport messages sent to us with these keys.</summary>
    public uint LocalIndex { get; }

    /// <summary>The peer's index: written on every transport message we send with these keys.</summary>
    public uint RemoteIndex { get; }

    /// <summary>TimeProvider timestamp of the handshake's completion.</summary>
    public long CreatedAt { get; }

    public bool Retired => Volatile.Read(ref retired) != 0;

    /// <summary>True when no thread is using the keys.</summary>
    public bool IsIdle => Volatile.Read(ref users) == 0;

    /// <summary>Starts a use of the keys; false (and nothing to undo) if the keypair is retired.</summary>
    public bool TryEnter()
    {
        Interlocked.Increment(ref users);
        if (Volatile.Read(ref retired) != 0)
        {
            Interlocked.Decrement(ref users);
            return false;
        }

        return true;
    }

    /// <summary>Ends a use begun by a successful <see cref="TryEnter"/>.</summary>
    public void Exit() => Interlocked.Decrement(ref users);

    /// <summary>How many counters were handed out (for the REKEY_AFTER_MESSAGES check).</summary>
    public ulong SendCount => Volatile.Read(ref nextSendCounter);

    /// <summary>Takes the next send counter; false once REJECT_AFTER_MESSAGES is reached.</summary>
    public bool TryTakeSendCounter(out ulong counter)
    {
        counter = Interlocked.Increment(ref nextSendCounter) - 1;
        return counter < WireGuardProtocol.RejectAfterMessages;
    }

    /// <summary>Records an authenticated receive counter; false for a replay or one too old.</summary>
    public bool TryAcceptReceiveCounter(ulong counter)
    {
        lock (replayGate)
        {
            return replay.TryAccept(counter);
        }
    }

    public void Retire() => Interlocked.Exchange(ref retired, 1);

    public void Dispose()
    {
        Retire();
        SendKey.Dispose();
        ReceiveKey.Dispose();
    }
}
