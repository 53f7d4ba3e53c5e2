using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Weft.Core.Crypto;
using static Weft.Core.WireGuard.WireGuardMessages;

namespace Weft.Core.WireGuard;

/// <summary>
/// The message computations of Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s as WireGuard uses them:
/// build and consume the initiation and the response, and derive the transport keys. Pure
/// functions over a <see cref="HandshakeState"/>; no timers, no peers, no randomness (the caller
/// passes the ephemeral key, the sender index and the timestamp, which is what lets tests check
/// the bytes against an independent reference). mac1/mac2 are added by <see cref="CookieGenerator"/>.
/// </summary>
/// <remarks>
/// <code>
///  initiator                                         responder
///  C = HASH(CONSTRUCTION); H = HASH(C || IDENTIFIER); H = HASH(H || S_r.pub)
///  C = KDF1(C, E_i.pub); H = HASH(H || E_i.pub)
///  (C, k) = KDF2(C, DH(E_i, S_r));  static = AEAD(k, 0, S_i.pub, H);  H = HASH(H || static)
///  (C, k) = KDF2(C, DH(S_i, S_r));  ts = AEAD(k, 0, TAI64N, H);       H = HASH(H || ts)
///                                 ── initiation ──►
///  C = KDF1(C, E_r.pub); H = HASH(H || E_r.pub)
///  C = KDF1(C, DH(E_r, E_i)); C = KDF1(C, DH(E_r, S_i))
///  (C, τ, k) = KDF3(C, psk); H = HASH(H || τ); empty = AEAD(k, 0, ε, H); H = HASH(H || empty)
///                                 ◄── response ──
///  (T_i→r, T_r→i) = KDF2(C, ε)
/// </code>
/// </remarks>
internal static class NoiseHandshake
{
    private static readonly byte[] InitialChainingKeyBytes = ComputeInitialChainingKey();
    private static readonly byte[] InitialHashBytes = ComputeInitialHash();

    /// <summary>HASH(CONSTRUCTION).</summary>
    public static ReadOnlySpan<byte> InitialChainingKey => InitialChainingKeyBytes;

    /// <summary>HASH(HASH(CONSTRUCTION) || IDENTIFIER).</summary>
    public static ReadOnlySpan<byte> InitialHash => InitialHashBytes;

    /// <summary>
    /// Initiator: writes the initiation's bytes [0, mac1) into <paramref name="message"/> (148 bytes)
    /// and leaves <paramref name="state"/> ready to consume the response.
    /// </summary>
    public static bool CreateInitiation(
        HandshakeState state,
        ReadOnlySpan<byte> localStaticPrivate,
        ReadOnlySpan<byte> localStaticPublic,
        ReadOnlySpan<byte> remoteStatic,
        ReadOnlySpan<byte> ephemeralPrivate,
        uint senderIndex,
        ReadOnlySpan<byte> timestamp,
        Span<byte> message)
    {
        Span<byte> c = stackalloc byte[32];
        Span<byte> h = stackalloc byte[32];
        Span<byte> k = stackalloc byte[32];
        Span<byte> dh = stackalloc byte[32];
        try
        {
            InitialChainingKey.CopyTo(c);
            InitialHash.CopyTo(h);
            MixHash(h, remoteStatic);

            WriteType(message, TypeInitiation);
            BinaryPrimitives.WriteUInt32LittleEndian(message[InitiationSenderOffset..], senderIndex);
            var ephemeralPublic = message.Slice(InitiationEphemeralOffset, KeySize);
            X25519.DerivePublicKey(ephemeralPrivate, ephemeralPublic);
            NoiseKdf.Kdf1(c, ephemeralPublic, c);
            MixHash(h, ephemeralPublic);

            if (!MixDh(ephemeralPrivate, remoteStatic, c, k, dh))
            {
                return false;
            }

            var encryptedStatic = message.Slice(InitiationStaticOffset, KeySize + TagSize);
            EncryptAndHash(k, localStaticPublic, encryptedStatic, h);

            if (!MixDh(localStaticPrivate, remoteStatic, c, k, dh))
            {
                return false;
            }

            var encryptedTimestamp = message.Slice(InitiationTimestampOffset, TimestampSize + TagSize);
            EncryptAndHash(k, timestamp, encryptedTimestamp, h);

            c.CopyTo(state.ChainingKey);
            h.CopyTo(state.Hash);
            ephemeralPrivate.CopyTo(state.LocalEphemeralPrivate);
            state.LocalIndex = senderIndex;
            state.RemoteIndex = 0;
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(c);
            CryptographicOperations.ZeroMemory(k);
            CryptographicOperations.ZeroMemory(dh);
        }
    }

    /// <summary>
    /// Responder: decrypts an initiation (whose mac1 was already checked), giving the initiator's
    /// static key and timestamp. On success <paramref name="state"/> holds the chaining key, hash,
    /// the initiator's ephemeral and its sender index.
    /// </summary>
    public static bool TryConsumeInitiation(
        ReadOnlySpan<byte> message,
        ReadOnlySpan<byte> localStaticPrivate,
        ReadOnlySpan<byte> localStaticPublic,
        HandshakeState state,
        Span<byte> remoteStatic,
        Span<byte> timestamp)
    {
        if (message.Length != InitiationSize || message[0] != TypeInitiation)
        {
            return false;
        }

        Span<byte> c = stackalloc byte[32];
        Span<byte> h = stackalloc byte[32];
        Span<byte> k = stackalloc byte[32];
        Span<byte> dh = stackalloc byte[32];
        try
        {
            InitialChainingKey.CopyTo(c);
            InitialHash.CopyTo(h);
            MixHash(h, localStaticPublic);

            var ephemeralPublic = message.Slice(InitiationEphemeralOffset, KeySize);
            NoiseKdf.Kdf1(c, ephemeralPublic, c);
            MixHash(h, ephemeralPublic);

            if (!MixDh(localStaticPrivate, ephemeralPublic, c, k, dh))
            {
                return false;
            }

            var encryptedStatic = message.Slice(InitiationStaticOffset, KeySize + TagSize);
            if (!DecryptAndHash(k, encryptedStatic, remoteStatic, h))
            {
                return false;
            }

            if (!MixDh(localStaticPrivate, remoteStatic, c, k, dh))
            {
                return false;
            }

            var encryptedTimestamp = message.Slice(InitiationTimestampOffset, TimestampSize + TagSize);
            if (!DecryptAndHash(k, encryptedTimestamp, timestamp, h))
            {
                return false;
            }

            c.CopyTo(state.ChainingKey);
            h.CopyTo(state.Hash);
            ephemeralPublic.CopyTo(state.RemoteEphemeral);
            state.RemoteIndex = BinaryPrimitives.ReadUInt32LittleEndian(message[InitiationSenderOffset..]);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(c);
            CryptographicOperations.ZeroMemory(k);
            CryptographicOperations.ZeroMemory(dh);
        }
    }

    /// <summary>
    /// Responder: writes the response's bytes [0, mac1) into <paramref name="message"/> (92 bytes)
    /// from a consumed initiation; afterwards <paramref name="state"/> can derive the transport keys.
    /// </summary>
    public static bool CreateResponse(
        HandshakeState state,
        ReadOnlySpan<byte> remoteStatic,
        ReadOnlySpan<byte> presharedKey,
        ReadOnlySpan<byte> ephemeralPrivate,
        uint senderIndex,
        Span<byte> message)
    {
        Span<byte> c = stackalloc byte[32];
        Span<byte> h = stackalloc byte[32];
        Span<byte> k = stackalloc byte[32];
        Span<byte> tau = stackalloc byte[32];
        Span<byte> dh = stackalloc byte[32];
        try
        {
            state.ChainingKey.CopyTo(c);
            state.Hash.CopyTo(h);

            WriteType(message, TypeResponse);
            BinaryPrimitives.WriteUInt32LittleEndian(message[ResponseSenderOffset..], senderIndex);
            BinaryPrimitives.WriteUInt32LittleEndian(message[ResponseReceiverOffset..], state.RemoteIndex);
            var ephemeralPublic = message.Slice(ResponseEphemeralOffset, KeySize);
            X25519.DerivePublicKey(ephemeralPrivate, ephemeralPublic);
            NoiseKdf.Kdf1(c, ephemeralPublic, c);
            MixHash(h, ephemeralPublic);

            if (!MixDh(ephemeralPrivate, state.RemoteEphemeral, c, default, dh))
            {
                return false;
            }

            if (!MixDh(ephemeralPrivate, remoteStatic, c, default, dh))
            {
                return false;
            }

            NoiseKdf.Kdf3(c, PresharedKeyOrZero(presharedKey, dh), c, tau, k);
            MixHash(h, tau);
            var encryptedNothing = message.Slice(ResponseEmptyOffset, TagSize);
            EncryptAndHash(k, ReadOnlySpan<byte>.Empty, encryptedNothing, h);

            c.CopyTo(state.ChainingKey);
            h.CopyTo(state.Hash);
            ephemeralPrivate.CopyTo(state.LocalEphemeralPrivate);
            state.LocalIndex = senderIndex;
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(c);
            CryptographicOperations.ZeroMemory(k);
            CryptographicOperations.ZeroMemory(tau);
            CryptographicOperations.ZeroMemory(dh);
        }
    }

    /// <summary>
    /// Initiator: consumes a response (mac1 already checked) to the initiation in <paramref name="state"/>.
    /// <paramref name="state"/> changes only on success.
    /// </summary>
    public static bool TryConsumeResponse(
        ReadOnlySpan<byte> message,
        HandshakeState state,
        ReadOnlySpan<byte> localStaticPrivate,
        ReadOnlySpan<byte> presharedKey)
    {
        if (message.Length != ResponseSize || message[0] != TypeResponse)
        {
            return false;
        }

        Span<byte> c = stackalloc byte[32];
        Span<byte> h = stackalloc byte[32];
        Span<byte> k = stackalloc byte[32];
        Span<byte> tau = stackalloc byte[32];
        Span<byte> dh = stackalloc byte[32];
        Span<byte> nothing = stackalloc byte[1];
        try
        {
            state.ChainingKey.CopyTo(c);
            state.Hash.CopyTo(h);

            var ephemeralPublic = message.Slice(ResponseEphemeralOffset, KeySize);
            NoiseKdf.Kdf1(c, ephemeralPublic, c);
            MixHash(h, ephemeralPublic);

            if (!MixDh(state.LocalEphemeralPrivate, ephemeralPublic, c, default, dh))
            {
                return false;
            }

            if (!MixDh(localStaticPrivate, ephemeralPublic, c, default, dh))
            {
                return false;
            }

            NoiseKdf.Kdf3(c, PresharedKeyOrZero(presharedKey, dh), c, tau, k);
            MixHash(h, tau);
            var encryptedNothing = message.Slice(ResponseEmptyOffset, TagSize);
            if (!DecryptAndHash(k, encryptedNothing, nothing[..0], h))
            {
                return false;
            }

            c.CopyTo(state.ChainingKey);
            h.CopyTo(state.Hash);
            state.RemoteIndex = BinaryPrimitives.ReadUInt32LittleEndian(message[ResponseSenderOffset..]);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(c);
            CryptographicOperations.ZeroMemory(k);
            CryptographicOperations.ZeroMemory(tau);
            CryptographicOperations.ZeroMemory(dh);
        }
    }

    /// <summary>(T_send, T_receive) from the final chaining key, as seen by one side.</summary>
    public static void DeriveTransportKeys(HandshakeState state, bool initiator, Span<byte> sendKey, Span<byte> receiveKey)
    {
        if (initiator)
        {
            NoiseKdf.Kdf2(state.ChainingKey, ReadOnlySpan<byte>.Empty, sendKey, receiveKey);
        }
        else
        {
            NoiseKdf.Kdf2(state.ChainingKey, ReadOnlySpan<byte>.Empty, receiveKey, sendKey);
        }
    }

    /// <summary>H = HASH(H || data).</summary>
    public static void MixHash(Span<byte> h, ReadOnlySpan<byte> data)
    {
        var hasher = Blake2sHasher.Create(32);
        hasher.Update(h);
        hasher.Update(data);
        hasher.Finish(h);
    }

    /// <summary>
    /// Noise MixKey with a Diffie-Hellman result: c ← KDF(c, DH(private, public)), and the new
    /// message key into <paramref name="k"/> when one is wanted (KDF2), or none (KDF1, <paramref name="k"/> empty).
    /// False if the DH result is all zero (a low-order point): the handshake must stop.
    /// </summary>
    private static bool MixDh(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> publicKey, Span<byte> c, Span<byte> k, Span<byte> dh)
    {
        if (!X25519.TryAgree(privateKey, publicKey, dh))
        {
            return false;
        }

        if (k.IsEmpty)
        {
            NoiseKdf.Kdf1(c, dh, c);
        }
        else
        {
            NoiseKdf.Kdf2(c, dh, c, k);
        }

        return true;
    }

    /// <summary>Noise EncryptAndHash: seal under k with nonce 0 and the hash as associated data, then mix the ciphertext into h.</summary>
    private static void EncryptAndHash(ReadOnlySpan<byte> k, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> h)
    {
        ChaCha20Poly1305Once.Seal(k, 0, plaintext, ciphertext, h);
        MixHash(h, ciphertext);
    }

    /// <summary>Noise DecryptAndHash: open under k with nonce 0 and the hash as associated data, then mix the ciphertext into h.</summary>
    private static bool DecryptAndHash(ReadOnlySpan<byte> k, ReadOnlySpan<byte> ciphertext, Span<byte> plaintext, Span<byte> h)
    {
        if (!ChaCha20Poly1305Once.TryOpen(k, 0, ciphertext, plaintext, h))
        {
            return false;
        }

        MixHash(h, ciphertext);
        return true;
    }

    /// <summary>The psk, or 32 zero bytes written into <paramref name="scratch"/> when there is none.</summary>
    private static ReadOnlySpan<byte> PresharedKeyOrZero(ReadOnlySpan<byte> presharedKey, Span<byte> scratch)
    {
        if (presharedKey.Length == KeySize)
        {
            return presharedKey;
        }

        scratch.Clear();
        return scratch;
    }

    private static byte[] ComputeInitialChainingKey()
    {
        var c = new byte[32];
        Blake2s.Hash(Encoding.ASCII.GetBytes(WireGuardProtocol.Construction), c);
        return c;
    }

    private static byte[] ComputeInitialHash()
    {
        var h = new byte[32];
        var hasher = Blake2sHasher.Create(32);
        hasher.Update(ComputeInitialChainingKey());
        hasher.Update(Encoding.ASCII.GetBytes(WireGuardProtocol.Identifier));
        hasher.Finish(h);
        return h;
    }
}
