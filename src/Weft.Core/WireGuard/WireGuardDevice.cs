using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Weft.Core.Crypto;
using Weft.Core.Net;

namespace Weft.Core.WireGuard;

/// <summary>
/// A WireGuard interface without the interface: the handshake (Noise_IKpsk2), cookies, keypairs,
/// replay protection and timers of the WireGuard protocol, byte-compatible with stock WireGuard,
/// over an <see cref="IEndpointSender"/>. Decrypted payloads go to <see cref="IWireGuardEvents"/>.
/// </summary>
/// <remarks>
/// Packet flow:
/// <code>
///  Send (TUN thread) ─► current keypair usable? ─ no ─► peer queue (64, drop oldest) + handshake
///                              │ yes
///                              ▼
///        header + pad + ChaCha20-Poly1305 in place in the caller's buffer ─► transport.Send
///
///  ReceiveDatagram (receive threads) ─► type 1/2: mac1, [under load: mac2 or cookie reply],
///        Noise, peer Gate ─► response / keypair ─► transport.Send, events
///                                   ─► type 3: the peer's CookieGenerator keeps the cookie
///                                   ─► type 4: index table ─► keypair ─► decrypt in place
///        ─► replay window ─► (confirm "next" keypair) ─► roaming ─► events.OnPayload
///
///  Tick (timer thread, ~100 ms) ─► retransmit, keepalive, new handshake, zero keys,
///        persistent keepalive, dispose retired keypairs
/// </code>
/// Concurrency: the peer table (<c>peersGate</c>) guards <c>peersByKey</c> and <c>peerSnapshot</c>;
/// each peer's <c>Gate</c> guards its handshake and keypair slots (see <see cref="WireGuardPeer"/>);
/// <c>timestampGate</c> guards our last TAI64N; <c>retiredGate</c> guards the retired keypairs.
/// Locks are never nested except peersGate → peer.Gate, and no lock is held while calling the
/// transport or the events. The transport-data paths take no lock except the keypair's replay
/// lock and allocate nothing: they encrypt and decrypt in the caller's buffer.
/// </remarks>
public sealed partial class WireGuardDevice : IDisposable
{
    /// <summary>Bytes a caller of <see cref="Send(WireGuardPeer, Span{byte}, int, int)"/> leaves before the payload (the header).</summary>
    public const int HeadRoom = 16;

    /// <summary>Bytes a caller leaves after the payload (padding to 16 and the 16-byte tag).</summary>
    public const int TailRoom = 32;

    private static readonly TimeSpan RetiredKeypairGrace = TimeSpan.FromSeconds(1);

    private readonly byte[] privateKey;
    private readonly byte[] publicKey;
    private readonly IEndpointSender transport;
    private readonly TimeProvider time;
    private readonly IWireGuardEvents events;
    private readonly ILogger logger;
    private readonly IRandomSource random;
    private readonly CookieChecker cookieChecker;
    private readonly IndexTable indexes;

    // Protocol durations in TimeProvider timestamp units.
    private readonly long rekeyAfterTime;
    private readonly long rejectAfterTime;
    private readonly long rekeyTimeout;
    private readonly long keepaliveTimeout;
    private readonly long receiveRekeyAge;
    private readonly long zeroKeysAfter;
    private readonly long initiationMinimumInterval;
    private readonly long retiredGrace;

    // ---- guarded by peersGate ----
    private readonly Lock peersGate = new();
    private readonly Dictionary<string, WireGuardPeer> peersByKey = new(StringComparer.Ordinal);
    private volatile WireGuardPeer[] peerSnapshot = [];

    // ---- guarded by timestampGate ----
    private readonly Lock timestampGate = new();
    private readonly byte[] lastSentTimestamp = new byte[Tai64N.Size];

    // ---- guarded by retiredGate ----
    private readonly Lock retiredGate = new();
    private readonly List<(Keypair Keypair, long DisposeAt)> retired = [];

    private volatile bool underLoad;
    private volatile bool disposed;

    public WireGuardDevice(
        ReadOnlySpan<byte> privateKey,
        IEndpointSender transport,
        TimeProvider time,
        IWireGuardEvents events,
        ILogger? logger = null,
        IRandomSource? random = null)
    {
        if (privateKey.Length != X25519.KeySize)
        {
            throw new ArgumentException("A WireGuard private key is 32 bytes.", nameof(privateKey));
        }

        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(events);
        this.privateKey = privateKey.ToArray();
        publicKey = new byte[X25519.KeySize];
        X25519.DerivePublicKey(this.privateKey, publicKey);
        this.transport = transport;
        this.time = time;
        this.events = events;
        this.logger = logger ?? NullLogger.Instance;
        this.random = random ?? SystemRandomSource.Instance;
        indexes = new IndexTable(this.random);

        rekeyAfterTime = ToTimestamp(WireGuardProtocol.RekeyAfterTime);
        rejectAfterTime = ToTimestamp(WireGuardProtocol.RejectAfterTime);
        rekeyTimeout = ToTimestamp(WireGuardProtocol.RekeyTimeout);
        keepaliveTimeout = ToTimestamp(WireGuardProtocol.KeepaliveTimeout);
        receiveRekeyAge = rejectAfterTime - keepaliveTimeout - rekeyTimeout;
        zeroKeysAfter = 3 * rejectAfterTime;
        initiationMinimumInterval = ToTimestamp(WireGuardProtocol.InitiationMinimumInterval);
        retiredGrace = ToTimestamp(RetiredKeypairGrace);
        cookieChecker = new CookieChecker(publicKey, this.random, ToTimestamp(WireGuardProtocol.CookieRefreshTime));
    }

    /// <summary>Our static X25519 public key (a copy).</summary>
    public byte[] PublicKey => (byte[])publicKey.Clone();

    /// <summary>When true, handshake messages without a valid mac2 get a cookie reply instead of an answer.</summary>
    public bool UnderLoad
    {
        get => underLoad;
        set => underLoad = value;
    }

    public WireGuardCounters Counters { get; } = new();

    /// <summary>A snapshot of the peers.</summary>
    public IReadOnlyCollection<WireGuardPeer> Peers => peerSnapshot;

    /// <summary>Adds a peer, or returns the existing one with that key (then a non-null endpoint replaces its endpoint).</summary>
    public WireGuardPeer AddPeer(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> presharedKey = default, Endpoint? endpoint = null)
    {
        if (publicKey.Length != X25519.KeySize)
        {
            throw new ArgumentException("A WireGuard public key is 32 bytes.", nameof(publicKey));
        }

        if (presharedKey.Length is not (0 or 32))
        {
            throw new ArgumentException("A preshared key is 32 bytes (or empty for none).", nameof(presharedKey));
        }

        if (publicKey.SequenceEqual(this.publicKey))
        {
            throw new ArgumentException("A device cannot be its own peer.", nameof(publicKey));
        }

        var key = Convert.ToBase64String(publicKey);
        lock (peersGate)
        {
            if (peersByKey.TryGetValue(key, out var existing))
            {
                if (endpoint is not null)
                {
                    existing.Endpoint = endpoint;
                }

                return existing;
            }

            var peer = new WireGuardPeer(this, publicKey, presharedKey, endpoint, ToTimestamp(WireGuardProtocol.CookieRefreshTime));
            peersByKey.Add(key, peer);
            peerSnapshot = [.. peerSnapshot, peer];
            return peer;
        }
    }

    public WireGuardPeer? FindPeer(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != X25519.KeySize)
        {
            return null;
        }

        var key = Convert.ToBase64String(publicKey);
        lock (peersGate)
        {
            return peersByKey.GetValueOrDefault(key);
        }
    }

    /// <summary>Removes a peer: its keys are erased and its queued packets dropped.</summary>
    public bool RemovePeer(WireGuardPeer peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        lock (peersGate)
        {
            var key = Convert.ToBase64String(peer.PublicKeySpan);
            if (!peersByKey.TryGetValue(key, out var found) || !ReferenceEquals(found, peer))
            {
                return false;
            }

            peersByKey.Remove(key);
            peerSnapshot = Array.FindAll(peerSnapshot, p => !ReferenceEquals(p, peer));
            lock (peer.Gate)
            {
                peer.Removed = true;
                ClearKeysLocked(peer);
                peer.Queue.Clear();
            }
        }

        return true;
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        foreach (var peer in peerSnapshot)
        {
            lock (peer.Gate)
            {
                peer.Removed = true;
                ClearKeysLocked(peer);
                peer.Queue.Clear();
            }
        }

        DisposeRetired(long.MaxValue);
        Array.Clear(privateKey);
    }

    /// <summary>How many indexes are in use (tests check that retired keys leave the table).</summary>
    internal int IndexCount => indexes.Count;

    /// <summary>Test hook: sends a fresh initiation now, ignoring the REKEY_TIMEOUT rate limit.</summary>
    internal void ForceHandshakeForTest(WireGuardPeer peer)
    {
        lock (peer.Gate)
        {
            peer.LastHandshakeSentAt = WireGuardPeer.Never;
        }

        InitiateHandshake(peer, isRetry: false);
    }

    /// <summary>True if <paramref name="keypair"/> may still carry data (not retired, younger than REJECT_AFTER_TIME).</summary>
    internal bool IsUsable(Keypair? keypair) => keypair is { Retired: false } && Now - keypair.CreatedAt < rejectAfterTime;

    private long Now => time.GetTimestamp();

    private long ToTimestamp(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);

    /// <summary>Stops using a keypair and schedules its disposal. Call under the peer's Gate.</summary>
    private void RetireLocked(WireGuardPeer peer, Keypair? keypair)
    {
        if (keypair is null)
        {
            return;
        }

        keypair.Retire();
        indexes.Remove(keypair.LocalIndex, LookupEntry(keypair.LocalIndex, peer, keypair));
        lock (retiredGate)
        {
            retired.Add((keypair, Now + retiredGrace));
        }
    }

    private IndexEntry LookupEntry(uint index, WireGuardPeer peer, Keypair keypair) =>
        indexes.TryGet(index, out var entry) && ReferenceEquals(entry.Keypair, keypair) && ReferenceEquals(entry.Peer, peer)
            ? entry
            : new IndexEntry(peer, keypair);

    /// <summary>Erases every keypair and the handshake of a peer. Call under the peer's Gate.</summary>
    private void ClearKeysLocked(WireGuardPeer peer)
    {
        RetireLocked(peer, peer.PreviousKeypair);
        RetireLocked(peer, peer.CurrentKeypair);
        RetireLocked(peer, peer.NextKeypair);
        peer.PreviousKeypair = null;
        peer.CurrentKeypair = null;
        peer.NextKeypair = null;
        AbandonHandshakeLocked(peer);
        peer.ZeroKeysDeadline = WireGuardPeer.NotArmed;
    }

    /// <summary>Forgets the handshake in progress and its index. Call under the peer's Gate.</summary>
    private void AbandonHandshakeLocked(WireGuardPeer peer)
    {
        if (peer.HandshakeEntry is { } entry)
        {
            indexes.Remove(peer.Handshake.LocalIndex, entry);
            peer.HandshakeEntry = null;
        }

        peer.Handshake.Clear();
        peer.HandshakeRole = HandshakeRole.None;
        peer.RetransmitDeadline = WireGuardPeer.NotArmed;
    }

    private void DisposeRetired(long now)
    {
        lock (retiredGate)
        {
            for (var i = retired.Count - 1; i >= 0; i--)
            {
                var keypair = retired[i].Keypair;
                if (now == long.MaxValue)
                {
                    // Device disposal: give threads still inside the keys a moment to leave.
                    SpinWait.SpinUntil(() => keypair.IsIdle, TimeSpan.FromMilliseconds(100));
                }

                if (retired[i].DisposeAt <= now && keypair.IsIdle)
                {
                    retired[i].Keypair.Dispose();
                    retired.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>
    /// An authenticated message came from <paramref name="source"/>: notes it as heard on the
    /// peer's endpoint, or moves the endpoint there (roaming) if it differs and the events allow it.
    /// </summary>
    private void UpdateEndpoint(WireGuardPeer peer, Endpoint source)
    {
        var current = peer.Endpoint;
        if (current is not null && (ReferenceEquals(current, source) || current.Equals(source)))
        {
            Volatile.Write(ref peer.LastEndpointReceiveAt, Now);
            return;
        }

        // Roaming: the layer above may keep the endpoint it chose (path selection).
        if (current is not null && !events.OnNewSource(peer, source))
        {
            return;
        }

        Volatile.Write(ref peer.LastEndpointReceiveAt, Now);

        var copy = source;
        peer.Endpoint = copy;
        if (current is not null)
        {
            Interlocked.Increment(ref Counters.endpointChanges);
        }

        WireGuardLog.EndpointChanged(logger, peer.Name, copy);
    }

    /// <summary>Our next TAI64N timestamp: the wall clock, but always greater than the last one we sent.</summary>
    private void NextTimestamp(Span<byte> destination)
    {
        Tai64N.Write(time.GetUtcNow(), destination);
        lock (timestampGate)
        {
            if (destination.SequenceCompareTo(lastSentTimestamp) <= 0)
            {
                lastSentTimestamp.CopyTo(destination);
                for (var i = destination.Length - 1; i >= 0; i--)
                {
                    if (++destination[i] != 0)
                    {
                        break;
                    }
                }
            }

            destination.CopyTo(lastSentTimestamp);
        }
    }

    /// <summary>A fresh clamped X25519 private key from the random source.</summary>
    private void NewEphemeral(Span<byte> privateKey32)
    {
        random.Fill(privateKey32);
        privateKey32[0] &= 248;
        privateKey32[31] &= 127;
        privateKey32[31] |= 64;
    }
}
