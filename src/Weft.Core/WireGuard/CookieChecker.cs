using System.Buffers.Binary;
using System.Security.Cryptography;
using Weft.Core.Crypto;
using Weft.Core.Net;
using static Weft.Core.WireGuard.WireGuardMessages;

namespace Weft.Core.WireGuard;

/// <summary>
/// The receiving side of WireGuard's mac/cookie layer for this device: checks mac1 on every
/// handshake message (keyed by our public key), checks mac2 against the cookie the sender's
/// address would get, and builds cookie replies. The cookie is MAC(secret, source address || port)
/// with a random secret replaced every two minutes.
/// </summary>
/// <remarks>Thread-safe: its own lock guards the rotating secret.</remarks>
internal sealed class CookieChecker
{
    private readonly byte[] mac1Key;
    private readonly byte[] cookieKey;
    private readonly IRandomSource random;
    private readonly long secretLifetime;

    // ---- guarded by gate ----
    private readonly Lock gate = new();
    private readonly byte[] secret = new byte[32];
    private bool haveSecret;
    private long secretCreatedAt;

    public CookieChecker(ReadOnlySpan<byte> ourPublicKey, IRandomSource random, long secretLifetime)
    {
        mac1Key = MacKeys.Mac1Key(ourPublicKey);
        cookieKey = MacKeys.CookieKey(ourPublicKey);
        this.random = random;
        this.secretLifetime = secretLifetime;
    }

    /// <summary>True if the handshake message's mac1 is right.</summary>
    public bool CheckMac1(ReadOnlySpan<byte> message)
    {
        Span<byte> expected = stackalloc byte[MacSize];
        MacKeys.Mac(mac1Key, message[..^(2 * MacSize)], expected);
        return CryptographicOperations.FixedTimeEquals(expected, message.Slice(message.Length - (2 * MacSize), MacSize));
    }

    /// <summary>True if the handshake message's mac2 carries the cookie that <paramref name="source"/> would get now.</summary>
    public bool CheckMac2(ReadOnlySpan<byte> message, Endpoint source, long now)
    {
        Span<byte> cookie = stackalloc byte[CookieSize];
        Span<byte> expected = stackalloc byte[MacSize];
        ComputeCookie(source, now, cookie);
        MacKeys.Mac(cookie, message[..^MacSize], expected);
        return CryptographicOperations.FixedTimeEquals(expected, message[^MacSize..]);
    }

    /// <summary>Builds the cookie reply (64 bytes) to a handshake message from <paramref name="source"/>.</summary>
    public void CreateReply(ReadOnlySpan<byte> message, uint receiverIndex, Endpoint source, long now, Span<byte> reply)
    {
        Span<byte> cookie = stackalloc byte[CookieSize];
        ComputeCookie(source, now, cookie);
        WriteType(reply, TypeCookieReply);
        BinaryPrimitives.WriteUInt32LittleEndian(reply[CookieReplyReceiverOffset..], receiverIndex);
        var nonce = reply.Slice(CookieReplyNonceOffset, CookieNonceSize);
        random.Fill(nonce);
        var mac1 = message.Slice(message.Length - (2 * MacSize), MacSize);
        XChaCha20Poly1305.Seal(cookieKey, nonce, cookie, reply.Slice(CookieReplyCookieOffset, CookieSize + TagSize), mac1);
        CryptographicOperations.ZeroMemory(cookie);
    }

    private void ComputeCookie(Endpoint source, long now, Span<byte> cookie)
    {
        Span<byte> address = stackalloc byte[Endpoint.CookieIdentityMaxSize];
        var written = source.WriteCookieIdentity(address);
        lock (gate)
        {
            if (!haveSecret || now - secretCreatedAt >= secretLifetime)
            {
                random.Fill(secret);
                haveSecret = true;
                secretCreatedAt = now;
            }

            MacKeys.Mac(secret, address[..written], cookie);
        }
    }
}
