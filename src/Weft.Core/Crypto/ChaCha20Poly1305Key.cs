using System.Security.Cryptography;
using BclChaCha20Poly1305 = System.Security.Cryptography.ChaCha20Poly1305;

namespace Weft.Core.Crypto;

/// <summary>
/// One ChaCha20-Poly1305 (RFC 8439) key used for many messages, as a WireGuard transport keypair uses
/// its sending or receiving key: the nonce is the 64-bit message counter (see <see cref="ChaCha20Poly1305Core"/>
/// for the byte layout). Safe for concurrent <see cref="Seal"/>/<see cref="TryOpen"/> calls and allocation-free
/// per call once warm.
/// </summary>
/// <remarks>
/// Concurrency: <see cref="BclChaCha20Poly1305"/> is not documented as safe for concurrent calls (on Linux
/// one instance owns one OpenSSL cipher context), so this type keeps a small pool of instances for the same key,
/// one per slot. A caller claims a slot with a compare-and-swap on <c>_slotBusy[i]</c>, starting at a slot chosen
/// by its thread id, and owns <c>_slots[i]</c> until it releases it; only the owner creates or disposes the
/// instance in a slot. Instances are created on first use of a slot, so an uncontended key holds one.
/// The key bytes are kept (pinned) to create instances lazily and zeroed on <see cref="Dispose"/>.
/// </remarks>
public sealed class ChaCha20Poly1305Key : IDisposable
{
    public const int KeySize = ChaCha20Poly1305Core.KeySize;
    public const int TagSize = ChaCha20Poly1305Core.TagSize;

    private static readonly int SlotCount = Math.Clamp(Environment.ProcessorCount, 2, 16);

    private readonly byte[] _key;
    private readonly BclChaCha20Poly1305?[] _slots;
    private readonly int[] _slotBusy; // 0 = free, 1 = claimed; guards the matching entry of _slots
    private volatile bool _disposed;

    public ChaCha20Poly1305Key(ReadOnlySpan<byte> key32)
    {
        ChaCha20Poly1305Core.CheckKey(key32);
        _key = GC.AllocateArray<byte>(KeySize, pinned: true);
        key32.CopyTo(_key);
        _slots = new BclChaCha20Poly1305?[SlotCount];
        _slotBusy = new int[SlotCount];
        _slots[0] = new BclChaCha20Poly1305(_key);
    }

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
        int slot = Claim(out BclChaCha20Poly1305 cipher);
        try
        {
            ChaCha20Poly1305Core.Seal(cipher, nonce12, plaintext, destination, associatedData);
        }
        finally
        {
            Volatile.Write(ref _slotBusy[slot], 0);
        }
    }

    /// <summary><see cref="TryOpen(ulong, ReadOnlySpan{byte}, Span{byte}, ReadOnlySpan{byte})"/> with a full 96-bit nonce (RFC 8439 vectors).</summary>
    internal bool TryOpen(ReadOnlySpan<byte> nonce12, ReadOnlySpan<byte> ciphertextAndTag, Span<byte> destination, ReadOnlySpan<byte> associatedData)
    {
        int slot = Claim(out BclChaCha20Poly1305 cipher);
        try
        {
            return ChaCha20Poly1305Core.TryOpen(cipher, nonce12, ciphertextAndTag, destination, associatedData);
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
        for (int i = 0; i < _slots.Length; i++)
        {
            var spin = default(SpinWait);
            while (Interlocked.CompareExchange(ref _slotBusy[i], 1, 0) != 0)
            {
                spin.SpinOnce();
            }

            _slots[i]?.Dispose();
            _slots[i] = null;

            // Left claimed: no call can use a slot after disposal.
        }

        CryptographicOperations.ZeroMemory(_key);
    }

    // Claims a free slot (creating its instance on first use) and returns its index; the caller must
    // release it with Volatile.Write(ref _slotBusy[slot], 0).
    private int Claim(out BclChaCha20Poly1305 cipher)
    {
        int start = (int)((uint)Environment.CurrentManagedThreadId % (uint)_slots.Length);
        var spin = default(SpinWait);
        while (true)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            for (int n = 0; n < _slots.Length; n++)
            {
                int slot = start + n;
                if (slot >= _slots.Length)
                {
                    slot -= _slots.Length;
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

                cipher = _slots[slot] ??= new BclChaCha20Poly1305(_key);
                return slot;
            }

            spin.SpinOnce();
        }
    }
}
