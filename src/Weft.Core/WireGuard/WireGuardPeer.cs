using Weft.Core.Net;

namespace Weft.Core.WireGuard;

/// <summary>
/// One WireGuard peer of a <see cref="WireGuardDevice"/>: its static key and endpoint, the
/// handshake in progress, its keypairs, its timers and the packets waiting for a session.
/// Created by <see cref="WireGuardDevice.AddPeer"/>; the protocol logic lives in the device.
/// </summary>
/// <remarks>
/// Concurrency:
/// <list type="bullet">
/// <item><c>Gate</c> guards the handshake state, the keypair slots' replacement (previous/next and
/// writes of current), the send queue, the handshake timers (retransmit, attempts, zero-keys),
/// the received-timestamp/flood fields and <c>Removed</c>. The device never calls the transport
/// or the events while holding it.</item>
/// <item>Lock-free (volatile / Interlocked), read on the per-packet path: <c>CurrentKeypair</c>,
/// <c>NextKeypair</c>, the endpoint, the keepalive/new-handshake deadlines, the last-traversal time,
/// the byte counters and the last-handshake time.</item>
/// </list>
/// </remarks>
public sealed class WireGuardPeer
{
    /// <summary>Deadline value meaning "timer not armed".</summary>
    internal const long NotArmed = long.MaxValue;

    /// <summary>Timestamp value meaning "never happened" (far enough from overflow for subtraction).</summary>
    internal const long Never = long.MinValue / 4;

    private readonly byte[] publicKey;
    private volatile Endpoint? endpoint;
    private long rxBytes;
    private long txBytes;
    private long lastHandshakeUnixMs = long.MinValue;
    private long persistentKeepaliveTicks;

    internal WireGuardPeer(WireGuardDevice device, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> presharedKey, Endpoint? endpoint, long cookieLifetime)
    {
        Device = device;
        this.publicKey = publicKey.ToArray();
        PresharedKey = presharedKey.Length == 32 ? presharedKey.ToArray() : new byte[32];
        this.endpoint = endpoint;
        Cookies = new CookieGenerator(publicKey, cookieLifetime);
        Name = Convert.ToBase64String(this.publicKey)[..8];
    }

    /// <summary>The peer's static X25519 public key (a copy).</summary>
    public byte[] PublicKey => (byte[])publicKey.Clone();

    /// <summary>Where to send; updated by any authenticated packet from a new source (roaming).</summary>
    public Endpoint? Endpoint
    {
        get => endpoint;
        set => endpoint = value;
    }

    /// <summary>Monotonic timestamp (TimeProvider units) of the last authenticated message from <see cref="Endpoint"/>, or null.</summary>
    public long? LastReceiveFromEndpoint
    {
        get
        {
            var at = Volatile.Read(ref LastEndpointReceiveAt);
            return at == Never ? null : at;
        }
    }

    /// <summary>Wall-clock time of the last completed handshake.</summary>
    public DateTimeOffset? LastHandshake
    {
        get
        {
            var ms = Interlocked.Read(ref lastHandshakeUnixMs);
            return ms == long.MinValue ? null : DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }
    }

    /// <summary>Bytes of authenticated transport messages received (as on the wire).</summary>
    public long RxBytes => Interlocked.Read(ref rxBytes);

    /// <summary>Bytes of transport messages sent (as on the wire).</summary>
    public long TxBytes => Interlocked.Read(ref txBytes);

    /// <summary>True while a keypair usable for sending exists.</summary>
    public bool HasSession => Device.IsUsable(CurrentKeypair);

    /// <summary>Send a keepalive whenever nothing was sent or received for this long (NAT keep-open); null = off.</summary>
    public TimeSpan? PersistentKeepalive
    {
        get
        {
            var t = Interlocked.Read(ref persistentKeepaliveTicks);
            return t == 0 ? null : TimeSpan.FromTicks(t);
        }

        set => Interlocked.Exchange(ref persistentKeepaliveTicks, value is { } v && v > TimeSpan.Zero ? v.Ticks : 0);
    }

    /// <summary>Owned by the layer above (the mesh node's peer record).</summary>
    public object? Tag { get; set; }

    /// <summary>Short printable name (first 8 base64 characters of the key) for logs.</summary>
    public string Name { get; }

    public override string ToString() => Name;

    internal WireGuardDevice Device { get; }

    internal ReadOnlySpan<byte> PublicKeySpan => publicKey;

    internal byte[] PresharedKey { get; }

    internal CookieGenerator Cookies { get; }

    // ---- guarded by Gate ----
    internal Lock Gate { get; } = new();

    internal HandshakeState Handshake { get; } = new();

    internal HandshakeRole HandshakeRole { get; set; }

    internal IndexEntry? HandshakeEntry { get; set; }

    internal Keypair? PreviousKeypair { get; set; }

    internal SendQueue Queue { get; } = new(WireGuardProtocol.SendQueueCapacity);

    internal QueuedPacket[] FlushScratch { get; } = new QueuedPacket[WireGuardProtocol.SendQueueCapacity];

    internal byte[] LastReceivedTimestamp { get; } = new byte[12];

    internal long LastInitiationConsumedAt { get; set; } = Never;

    /// <summary>When we last sent an initiation or a response (the REKEY_TIMEOUT rate limit).</summary>
    internal long LastHandshakeSentAt { get; set; } = Never;

    internal int HandshakeAttempts { get; set; }

    internal long RetransmitDeadline { get; set; } = NotArmed;

    internal long ZeroKeysDeadline { get; set; } = NotArmed;

    internal bool Removed { get; set; }

    // ---- lock-free ----
    private volatile Keypair? currentKeypair;
    private volatile Keypair? nextKeypair;
    private volatile bool sentLastMinuteHandshake;

    /// <summary>The keypair we send with. Written under Gate, read anywhere.</summary>
    internal Keypair? CurrentKeypair
    {
        get => currentKeypair;
        set => currentKeypair = value;
    }

    /// <summary>The responder's new keypair awaiting confirmation. Written under Gate, read anywhere.</summary>
    internal Keypair? NextKeypair
    {
        get => nextKeypair;
        set => nextKeypair = value;
    }

    /// <summary>Set once the receive path started the "last minute" rekey for the current keypair.</summary>
    internal bool SentLastMinuteHandshake
    {
        get => sentLastMinuteHandshake;
        set => sentLastMinuteHandshake = value;
    }

    /// <summary>Send a keepalive at this timestamp (armed when data arrives, disarmed by any send).</summary>
    internal long KeepaliveDeadline = NotArmed;

    /// <summary>Start a handshake at this timestamp (armed when data is sent, disarmed by any authenticated receive).</summary>
    internal long NewHandshakeDeadline = NotArmed;

    /// <summary>Timestamp of the last authenticated message received from the peer's current endpoint.</summary>
    internal long LastEndpointReceiveAt = Never;

    /// <summary>Timestamp of the last authenticated packet sent or received (persistent keepalive).</summary>
    internal long LastTraversalAt = Never;

    internal long PersistentKeepaliveTicks => Interlocked.Read(ref persistentKeepaliveTicks);

    internal void AddRxBytes(long n) => Interlocked.Add(ref rxBytes, n);

    internal void AddTxBytes(long n) => Interlocked.Add(ref txBytes, n);

    internal void SetLastHandshake(DateTimeOffset when) => Interlocked.Exchange(ref lastHandshakeUnixMs, when.ToUnixTimeMilliseconds());
}

/// <summary>Where a peer's handshake stands.</summary>
internal enum HandshakeRole
{
    None,
    InitiationSent,
}
