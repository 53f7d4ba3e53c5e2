using System.Buffers;
using Weft.Core.Identity.Internal;

namespace Weft.Core.Identity;

/// <summary>
/// The hello exchange: how a node that only knows a peer's <c>host:port</c> (a static peer, a LAN
/// beacon) learns the peer's certificate, and so its WireGuard key, before the handshake. It is one
/// of only two kinds of message outside a WireGuard session.
/// <code>
///   asker                                             answerer
///     | HelloRequest: cert_A, nonce_A, time, sig_A  ---> |  verify sig_A, TrustStore(cert_A), fresh + not replayed
///     |                                                  |  (anything wrong: stay silent; non-members learn nothing)
///     | &lt;--- HelloReply: cert_B, nonce_B, nonce_A, time, sig_B
///  verify sig_B, nonce_A is ours, TrustStore(cert_B)
///  -> WireGuard handshake to cert_B.SessionKey
/// </code>
/// The first four bytes are the message type: "WEF\x01" (request) and "WEF\x02" (reply). WireGuard
/// types 1-4 are a little-endian uint32 whose bytes 1-3 are zero, so the two never collide.
/// Signatures are over a context string followed by the message bytes before the signature, so
/// a hello signature can never be mistaken for any other signature made with the node's key.
/// </summary>
public static class Hello
{
    public const int TypeSize = 4;
    public const int NonceSize = 16;

    /// <summary>The largest certificate a hello may carry (a certificate at all its limits is about 2.6 KB).</summary>
    public const int MaxCertificateSize = 3900;

    /// <summary>A buffer this large holds any hello.</summary>
    public const int MaxSize = 4096;

    public static ReadOnlySpan<byte> RequestType => [0x57, 0x45, 0x46, 0x01];

    public static ReadOnlySpan<byte> ReplyType => [0x57, 0x45, 0x46, 0x02];

    internal static ReadOnlySpan<byte> RequestContext => "weft hello request v1"u8;

    internal static ReadOnlySpan<byte> ReplyContext => "weft hello reply v1"u8;

    public static bool IsRequest(ReadOnlySpan<byte> datagram) => datagram.Length >= TypeSize && datagram[..TypeSize].SequenceEqual(RequestType);

    public static bool IsReply(ReadOnlySpan<byte> datagram) => datagram.Length >= TypeSize && datagram[..TypeSize].SequenceEqual(ReplyType);

    /// <summary>True for either hello type (the node's demultiplexer: hello vs WireGuard 1-4).</summary>
    public static bool IsHello(ReadOnlySpan<byte> datagram) => IsRequest(datagram) || IsReply(datagram);

    /// <summary>
    /// Everything the answerer checks before replying: the request parses, its signature verifies
    /// with its certificate's signing key, the certificate is valid in <paramref name="trust"/>,
    /// the timestamp is fresh and the nonce unseen. False means: do not answer.
    /// </summary>
    public static bool TryAcceptRequest(ReadOnlySpan<byte> datagram, TrustStore trust, HelloReplayGuard guard, DateTimeOffset now,
        out HelloRequest? request, out string error)
    {
        ArgumentNullException.ThrowIfNull(trust);
        ArgumentNullException.ThrowIfNull(guard);
        if (!HelloRequest.TryRead(datagram, out request, out error))
        {
            return false;
        }

        var verdict = trust.Verify(request!.Certificate, now);
        if (verdict != CertificateError.None)
        {
            error = $"hello from '{request.Certificate.Name}' refused: {TrustStore.Describe(verdict)}";
            request = null;
            return false;
        }

        if (!guard.TryAccept(request.Nonce, request.Timestamp, now, out error))
        {
            error = $"hello from '{request.Certificate.Name}' refused: {error}";
            request = null;
            return false;
        }

        return true;
    }

    /// <summary>
    /// Everything the asker checks: the reply parses, its signature verifies, it echoes
    /// <paramref name="requestNonce"/> (so it is fresh and meant for us), and its certificate is
    /// valid in <paramref name="trust"/>.
    /// </summary>
    public static bool TryAcceptReply(ReadOnlySpan<byte> datagram, TrustStore trust, ReadOnlySpan<byte> requestNonce, DateTimeOffset now,
        out HelloReply? reply, out string error)
    {
        ArgumentNullException.ThrowIfNull(trust);
        if (!HelloReply.TryRead(datagram, out reply, out error))
        {
            return false;
        }

        if (!reply!.RequestNonce.AsSpan().SequenceEqual(requestNonce))
        {
            error = "hello reply does not answer our request (nonce mismatch)";
            reply = null;
            return false;
        }

        var verdict = trust.Verify(reply.Certificate, now);
        if (verdict != CertificateError.None)
        {
            error = $"hello reply from '{reply.Certificate.Name}' refused: {TrustStore.Describe(verdict)}";
            reply = null;
            return false;
        }

        return true;
    }

    /// <summary>Signs context || message into <paramref name="signature"/>.</summary>
    internal static void Sign(NodeKeys keys, ReadOnlySpan<byte> context, ReadOnlySpan<byte> message, Span<byte> signature)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(context.Length + message.Length);
        try
        {
            context.CopyTo(buffer);
            message.CopyTo(buffer.AsSpan(context.Length));
            keys.Sign(buffer.AsSpan(0, context.Length + message.Length), signature);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    internal static bool Verify(ReadOnlySpan<byte> signingKey, ReadOnlySpan<byte> context, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(context.Length + message.Length);
        try
        {
            context.CopyTo(buffer);
            message.CopyTo(buffer.AsSpan(context.Length));
            return Ed25519Signer.Verify(signingKey, buffer.AsSpan(0, context.Length + message.Length), signature);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Checks the sender's certificate matches the keys signing the hello (a caller bug otherwise).</summary>
    internal static void RequireMatchingKeys(ReadOnlySpan<byte> certificate, NodeKeys keys, out Certificate decoded)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (!Certificate.TryDecode(certificate, out var cert, out var error))
        {
            throw new ArgumentException("The hello certificate does not decode: " + error, nameof(certificate));
        }

        if (!cert!.SigningKey.AsSpan().SequenceEqual(keys.SigningPublicKey))
        {
            throw new ArgumentException("The certificate's signing key is not this node's signing key.", nameof(keys));
        }

        decoded = cert;
    }
}
