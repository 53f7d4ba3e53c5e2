using System.Buffers.Binary;
using Weft.Core.Identity.Internal;

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
    private const int MaxCertificate = Hello.MaxCertificateSize;

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
    public static int SizeFor(int certificateLength) => Hello.TypeSize + 2 + certificateLength + Hello.NonceSize + 8 + Ed25519Signer.SignatureSize;

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
    public static int Write(Span<byte> destination, ReadOnlySpan<byte> certificate, NodeKeys keys, ReadOnlySpan<byte> nonce, DateTimeOffset timestamp)
    {
        Hello.RequireMatchingKeys(certificate, keys, out _);
        if (nonce.Length != Hello.NonceSize)
        {
            throw new ArgumentException($"A hello nonce is {Hello.NonceSize} bytes.", nameof(nonce));
        }

        var size = SizeFor(certificate.Length);
        if (certificate.Length > MaxCertificate || destination.Length < size)
        {
            throw new ArgumentException($"A hello request needs {size} bytes.", nameof(destination));
        }

        Hello.RequestType.CopyTo(destination);
        var at = Hello.TypeSize;
        BinaryPrimitives.WriteUInt16BigEndian(destination[at..], (ushort)certificate.Length);
        at += 2;
        certificate.CopyTo(destination[at..]);
        at += certificate.Length;
        nonce.CopyTo(destination[at..]);
        at += Hello.NonceSize;
        BinaryPrimitives.WriteInt64BigEndian(destination[at..], timestamp.ToUnixTimeMilliseconds());
        at += 8;
        Hello.Sign(keys, Hello.RequestContext, destination[..at], destination.Slice(at, Ed25519Signer.SignatureSize));
        return size;
    }

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

        var r = new WireReader(datagram[Hello.TypeSize..]);
        if (!r.UInt16("certificate length", out var length)
            || (length > MaxCertificate && r.Fail($"certificate length {length} is over {MaxCertificate}"))
            || !r.Bytes("certificate", length, out var certificateBytes)
            || !r.Bytes("nonce", Hello.NonceSize, out var nonce)
            || !r.Int64("timestamp", out var millis)
            || ((millis < DateTimeOffset.MinValue.ToUnixTimeMilliseconds() || millis > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
                && r.Fail("timestamp out of range")))
        {
            error = "bad hello request: " + r.Error;
            return false;
        }

        var signed = Hello.TypeSize + r.Position;
        if (!r.Bytes("signature", Ed25519Signer.SignatureSize, out var signature) || !r.NoTrailingBytes("hello request"))
        {
            error = "bad hello request: " + r.Error;
            return false;
        }

        if (!Certificate.TryDecode(certificateBytes, out var certificate, out error))
        {
            error = "bad hello request: " + error;
            return false;
        }

        if (!Hello.Verify(certificate!.SigningKey, Hello.RequestContext, datagram[..signed], signature))
        {
            error = $"bad hello request: the signature does not verify with the signing key of '{certificate.Name}'";
            return false;
        }

        request = new HelloRequest(certificate, nonce.ToArray(), DateTimeOffset.FromUnixTimeMilliseconds(millis));
        error = "";
        return true;
    }
}
