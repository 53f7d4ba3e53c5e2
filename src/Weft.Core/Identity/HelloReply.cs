namespace Weft.Core.Identity;

/// <summary>
/// The answerer's half of the hello exchange (see <see cref="Hello"/>), sent only to a valid
/// member: its certificate, its own nonce, the request's nonce (which makes the reply provably
/// fresh for the asker) and the time, signed with its Ed25519 key.
/// <code>
///  offset size  field
///   0      4    type = 0x57 0x45 0x46 0x02 ("WEF\x02")
///   4      2    certificate length n, big-endian (at most 3900)
///   6      n    answerer's node certificate (see Certificate)
///   .     16    nonce, random
///   .     16    the request's nonce, echoed
///   .      8    timestamp, unix milliseconds, big-endian signed
///   .     64    Ed25519 signature by the certificate's signing key over
///               "weft hello reply v1" || every byte before the signature
/// </code>
/// </summary>
public sealed class HelloReply
{
    private HelloReply(Certificate certificate, byte[] nonce, byte[] requestNonce, DateTimeOffset timestamp)
    {
        Certificate = certificate;
        Nonce = nonce;
        RequestNonce = requestNonce;
        Timestamp = timestamp;
    }

    public Certificate Certificate { get; }

    public byte[] Nonce { get; }

    public byte[] RequestNonce { get; }

    public DateTimeOffset Timestamp { get; }

    public static int SizeFor(int certificateLength) => HelloWire.SizeFor(certificateLength, echoesRequest: true);

    /// <summary>Writes a signed reply to a request whose nonce is <paramref name="requestNonce"/>; returns its length.</summary>
    public static int Write(Span<byte> destination, Certificate certificate, NodeKeys keys, ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> requestNonce, DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Write(destination, certificate.EncodedSpan, keys, nonce, requestNonce, timestamp);
    }

    /// <summary>As above, from the certificate's encoding.</summary>
    public static int Write(Span<byte> destination, ReadOnlySpan<byte> certificate, NodeKeys keys, ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> requestNonce, DateTimeOffset timestamp) =>
        HelloWire.Write(destination, Hello.ReplyType, Hello.ReplyContext, "hello reply", certificate, keys, nonce, requestNonce,
                        echoesRequest: true, timestamp);

    /// <summary>
    /// Parses a reply and checks its signature against the certificate's signing key. Does not
    /// check the echoed nonce or the certificate: <see cref="Hello.TryAcceptReply"/> does.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> datagram, out HelloReply? reply, out string error)
    {
        reply = null;
        if (!Hello.IsReply(datagram))
        {
            error = "not a hello reply (wrong type)";
            return false;
        }

        if (!HelloWire.TryRead(datagram, Hello.ReplyContext, "hello reply", echoesRequest: true, out var parts, out error))
        {
            return false;
        }

        reply = new HelloReply(parts.Certificate, parts.Nonce, parts.RequestNonce!, parts.Timestamp);
        return true;
    }
}
