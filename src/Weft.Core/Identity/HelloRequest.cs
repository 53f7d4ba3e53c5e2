namespace Weft.Core.Identity;

/// <summary>
/// The asker's half of the hello exchange (see <see cref="Hello"/>): its certificate, a fresh
/// nonce and the time, signed with its Ed25519 key.
/// <code>
///  offset size  field
///   0      4    type = 0x57 0x45 0x46 0x01 ("WEF\x01")
///   4      2    certificate length n, big-endian (at most 3900)
///   6      n    sender's node certificate (see Certificate)
///   .     16    nonce, random
///   .      8    timestamp, unix milliseconds, big-endian signed
///   .     64    Ed25519 signature by the certificate's signing key over
///               "weft hello request v1" || every byte before the signature
/// </code>
/// </summary>
public sealed class HelloRequest
{
    private HelloRequest(Certificate certificate, byte[] nonce, DateTimeOffset timestamp)
    {
        Certificate = certificate;
        Nonce = nonce;
        Timestamp = timestamp;
    }

    public Certificate Certificate { get; }

    public byte[] Nonce { get; }

    public DateTimeOffset Timestamp { get; }

    /// <summary>The size of a request carrying a certificate of <paramref name="certificateLength"/> bytes.</summary>
    public static int SizeFor(int certificateLength) => HelloWire.SizeFor(certificateLength, echoesRequest: false);

    /// <summary>
    /// Writes a signed request into <paramref name="destination"/> and returns its length.
    /// <paramref name="keys"/> must be the keys of <paramref name="certificate"/>; the caller keeps
    /// <paramref name="nonce"/> (16 random bytes) to match the reply.
    /// </summary>
    public static int Write(Span<byte> destination, Certificate certificate, NodeKeys keys, ReadOnlySpan<byte> nonce, DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Write(destination, certificate.EncodedSpan, keys, nonce, timestamp);
    }

    /// <summary>As above, from the certificate's encoding.</summary>
    public static int Write(Span<byte> destination, ReadOnlySpan<byte> certificate, NodeKeys keys, ReadOnlySpan<byte> nonce, DateTimeOffset timestamp) =>
        HelloWire.Write(destination, Hello.RequestType, Hello.RequestContext, "hello request", certificate, keys, nonce, default,
                        echoesRequest: false, timestamp);

    /// <summary>
    /// Parses a request and checks its signature against the certificate's signing key. Does not
    /// judge the certificate (<see cref="TrustStore"/>) or freshness (<see cref="HelloReplayGuard"/>);
    /// <see cref="Hello.TryAcceptRequest"/> does all three.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> datagram, out HelloRequest? request, out string error)
    {
        request = null;
        if (!Hello.IsRequest(datagram))
        {
            error = "not a hello request (wrong type)";
            return false;
        }

        if (!HelloWire.TryRead(datagram, Hello.RequestContext, "hello request", echoesRequest: false, out var parts, out error))
        {
            return false;
        }

        request = new HelloRequest(parts.Certificate, parts.Nonce, parts.Timestamp);
        return true;
    }
}
