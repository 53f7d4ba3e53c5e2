using System.Security.Cryptography;
using BclChaCha20Poly1305 = System.Security.Cryptography.ChaCha20Poly1305;

namespace Weft.Core.Crypto;

/// <summary>
/// One ChaCha20-Poly1305 (RFC 8439) key used for many messages, as a WireGuard transport keypair uses
/// its sending or receiving key: the nonce is the 64-bit message counter (see <see cref="ChaCha20Poly1305Core"/>
/// for the byte layout). Safe for concurrent <see cref="Seal"/>/<see cref="TryOpen"/> calls and allocation-free
/// per call once warm. This is the VPN's per-packet cipher.
/// </summary>
/// <remarks>
/// Backend: OpenSSL's EVP interface (<see cref="EvpChaCha20Poly1305"/>: contexts keyed once, only the nonce set
/// per packet, a bad tag is a return value) when libcrypto.so.3 passes its probe, else
/// <see cref="BclChaCha20Poly1305"/>; see <see cref="ChaCha20Poly1305Backends"/>. Both give identical bytes.
/// <para>
/// Concurrency: neither an EVP context nor a BCL instance may be used by two threads at once, so this type keeps a
/// small pool of them for the same key, one per slot. A caller claims a slot with a compare-and-swap on
/// <c>_slotBusy[i]</c>, starting at a slot chosen by its thread id, and owns <c>_evpSlots[i]</c> (or
/// <c>_bclSlots[i]</c>) until it releases it; only the owner creates or disposes the object in a slot. Objects are
/// created on first use of a slot, so an uncontended key holds one. <see cref="Dispose"/> claims every slot in turn
/// (waiting for calls in progress), frees what it holds and leaves it claimed. The key bytes are kept pinned to
/// create contexts lazily and zeroed on <see cref="Dispose"/>.
/// </para>
/// </remarks>
public sealed class ChaCha20Poly1305Key : IDisposable
{
    public const int KeySize = ChaCha20Poly1305Core.KeySize;
    public const int TagSize = ChaCha20Poly1305Core.TagSize;

    private static readonly int SlotCount = Math.Clamp(Environment.ProcessorCount, 2, 16);

    private readonly byte[] _key;
    private readonly EvpChaCha20Poly1305?[]? _evpSlots; // exactly one of the two slot arrays exists
    private readonly BclChaCha20Poly1305?[]? _bclSlots;
    private readonly int[] _slotBusy; // 0 = free, 1 = claimed; guards the matching entry of the slot array
    private volatile bool _disposed;

    public ChaCha20Poly1305Key(ReadOnlySpan<byte> key32)
        : this(key32, ChaCha20Poly1305Backends.Default)
    {
    }

    /// <summary>A key on an explicitly chosen backend (tests, benchmarks); throws if that backend is unavailable.</summary>
    internal ChaCha20Poly1305Key(ReadOnlySpan<byte> key32, ChaCha20Poly1305Backend backend)
    {
        ChaCha20Poly1305Core.CheckKey(key32);
        ChaCha20Poly1305Backends.CheckAvailable(backend);
        Backend = backend;
        _key = GC.AllocateArray<byte>(KeySize, pinned: true);
        key32.CopyTo(_key);
        _slotBusy = new int[SlotCount];
        if (backend == ChaCha20Poly1305Backend.OpenSsl)
        {
            _evpSlots = new EvpChaCha20Poly1305?[SlotCount];
        }
        else
        {
            _bclSlots = new BclChaCha20Poly1305?[SlotCount];
            _bclSlots[0] = new BclChaCha20Poly1305(_key);
        }
    }

    internal ChaCha20Poly1305Backend Backend { get; }

    /// <summary>
    /// Encrypts <paramref name="plaintext"/> with the nonce for <paramref name="counter"/> and writes
    /// ciphertext then the 16-byte tag to <paramref name="destination"/> (exactly plaintext.Length + 16 bytes,
    /// which may start at the same address as <paramref name="plaintext"/>).
    /// </summary>
    public void Seal(ulong counter, ReadOnlySpan<byte> plaintext, Span<byte> destination, ReadOnlySpan<byte> associatedData = default)
    {
        Span<byte> nonce = stackalloc byte[ChaCha20Poly1305Core.NonceSize];
        ChaCha20Poly1305Core.WriteNonce(counter, nonce);
        Seal(nonce, plaintext, destination, associatedData);
    }

    /// <summary>
    /// Checks and decrypts ciphertext-then-tag into <paramref name="destination"/> (exactly 16 bytes shorter,
    /// may start at the same address). Returns false, with <paramref name="destination"/> zeroed, when the
    /// tag does not verify or the input is shorter than a tag; never throws for bad input.
    /// </summary>
    public bool TryOpen(ulong counter, ReadOnlySpan<byte> ciphertextAndTag, Span<byte> destination, ReadOnlySpan<byte> associatedData = default)
    {
        Span<byte> nonce = stackalloc byte[ChaCha20Poly1305Core.NonceSize];
        ChaCha20Poly1305Core.WriteNonce(counter, nonce);
        return TryOpen(nonce, ciphertextAndTag, destination, associatedData);
    }

    /// <summary><see cref="Seal(ulong, ReadOnlySpan{byte}, Span{byte}, ReadOnlySpan{byte})"/> with a full 96-bit nonce (RFC 8439 vectors).</summary>
    internal void Seal(ReadOnlySpan<byte> nonce12, ReadOnlySpan<byte> plaintext, Span<byte> destination, ReadOnlySpan<byte> associatedData)
    {
        int slot = Claim();
        try
        {
            if (_evpSlots is { } evpSlots)
            {
                (evpSlots[slot] ??= new EvpChaCha20Poly1305(_key)).Seal(nonce12, plaintext, destination, associatedData);
            }
            else
            {
                ChaCha20Poly1305Core.Seal(BclAt(slot), nonce12, plaintext, destination, associatedData);
            }
        }
        finally
        {
            Volatile.Write(ref _slotBusy[slot], 0);
        }
    }

    /// <summary><see cref="TryOpen(ulong, ReadOnlySpan{byte}, Span{byte}, ReadOnlySpan{byte})"/> with a full 96-bit nonce (RFC 8439 vectors).</summary>
    internal bool TryOpen(ReadOnlySpan<byte> nonce12, ReadOnlySpan<byte> ciphertextAndTag, Span<byte> destination, ReadOnlySpan<byte> associatedData)
    {
        int slot = Claim();
        try
        {
            if (_evpSlots is { } evpSlots)
            {
                return (evpSlots[slot] ??= new EvpChaCha20Poly1305(_key)).TryOpen(nonce12, ciphertextAndTag, destination, associatedData);
            }

            return ChaCha20Poly1305Core.TryOpen(BclAt(slot), nonce12, ciphertextAndTag, destination, associatedData);
        }
        finally
        {
            Volatile.Write(ref _slotBusy[slot], 0);
        }
    }

    /// <summary>Zeroes the key and frees the native contexts. Waits for calls in progress on other threads to finish.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        for (int i = 0; i < _slotBusy.Length; i++)
        {
            var spin = default(SpinWait);
            while (Interlocked.CompareExchange(ref _slotBusy[i], 1, 0) != 0)
            {
                spin.SpinOnce();
            }

            if (_evpSlots is not null)
            {
                _evpSlots[i]?.Dispose();
                _evpSlots[i] = null;
            }

            if (_bclSlots is not null)
            {
                _bclSlots[i]?.Dispose();
                _bclSlots[i] = null;
            }

            // Left claimed: no call can use a slot after disposal.
        }

        CryptographicOperations.ZeroMemory(_key);
    }

    // Only the owner of a claimed slot calls this.
    private BclChaCha20Poly1305 BclAt(int slot) => _bclSlots![slot] ??= new BclChaCha20Poly1305(_key);

    // Claims a free slot and returns its index; the caller must release it with Volatile.Write(ref _slotBusy[slot], 0).
    private int Claim()
    {
        int count = _slotBusy.Length;
        int start = (int)((uint)Environment.CurrentManagedThreadId % (uint)count);
        var spin = default(SpinWait);
        while (true)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            for (int n = 0; n < count; n++)
            {
                int slot = start + n;
                if (slot >= count)
                {
                    slot -= count;
                }

                if (Interlocked.CompareExchange(ref _slotBusy[slot], 1, 0) != 0)
                {
                    continue;
                }

                if (_disposed)
                {
                    Volatile.Write(ref _slotBusy[slot], 0);
                    ObjectDisposedException.ThrowIf(true, this);
                }

                return slot;
            }

            spin.SpinOnce();
        }
    }
}
