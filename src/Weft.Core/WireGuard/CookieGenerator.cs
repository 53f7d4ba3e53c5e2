using System.Security.Cryptography;
using Weft.Core.Crypto;
using static Weft.Core.WireGuard.WireGuardMessages;

namespace Weft.Core.WireGuard;

/// <summary>
/// The sending side of WireGuard's mac/cookie layer for one peer: writes mac1 (keyed by the
/// peer's public key) and mac2 (keyed by the last cookie the peer gave us, for 120 s) on every
/// handshake message we send it, and opens the cookie replies it sends back.
/// </summary>
/// <remarks>Thread-safe: its own small lock guards the cookie and the last mac1 sent.</remarks>
internal sealed class CookieGenerator
{
    private readonly byte[] mac1Key;
    private readonly byte[] cookieKey;
    private readonly long cookieLifetime;

    // ---- guarded by gate ----
    private readonly Lock gate = new();
    private readonly byte[] lastMac1 = new byte[MacSize];
    private readonly byte[] cookie = new byte[CookieSize];
    private bool haveLastMac1;
    private bool haveCookie;
    private long cookieReceivedAt;

    /// <param name="peerPublicKey">the static key of the peer the messages go to</param>
    /// <param name="cookieLifetime">how long a cookie is used, in TimeProvider timestamp units</param>
    public CookieGenerator(ReadOnlySpan<byte> peerPublicKey, long cookieLifetime)
    {
        mac1Key = MacKeys.Mac1Key(peerPublicKey);
        cookieKey = MacKeys.CookieKey(peerPublicKey);
        this.cookieLifetime = cookieLifetime;
    }

    /// <summary>Fills the last 32 bytes of a handshake message: mac1, then mac2 (zero without a fresh cookie).</summary>
    public void AddMacs(Span<byte> message, long now)
    {
        var mac1 = message.Slice(message.Length - (2 * MacSize), MacSize);
        var mac2 = message.Slice(message.Length - MacSize, MacSize);
        MacKeys.Mac(mac1Key, message[..^(2 * MacSize)], mac1);
        lock (gate)
        {
            mac1.CopyTo(lastMac1);
            haveLastMac1 = true;
            if (haveCookie && now - cookieReceivedAt < cookieLifetime)
            {
                MacKeys.Mac(cookie, message[..^MacSize], mac2);
            }
            else
            {
                mac2.Clear();
            }
        }
    }

    /// <summary>Opens a cookie reply (type 3, 64 bytes) and keeps its cookie; false if it does not authenticate.</summary>
    public bool TryConsumeCookieReply(ReadOnlySpan<byte> reply, long now)
    {
        if (reply.Length != CookieReplySize)
        {
            return false;
        }

        Span<byte> opened = stackalloc byte[CookieSize];
        lock (gate)
        {
            if (!haveLastMac1)
            {
                return false;
            }

            var nonce = reply.Slice(CookieReplyNonceOffset, CookieNonceSize);
            var sealedCookie = reply.Slice(CookieReplyCookieOffset, CookieSize + TagSize);
            if (!XChaCha20Poly1305.TryOpen(cookieKey, nonce, sealedCookie, opened, lastMac1))
            {
                return false;
            }

            opened.CopyTo(cookie);
            haveCookie = true;
            cookieReceivedAt = now;
            CryptographicOperations.ZeroMemory(opened);
            return true;
        }
    }
}
