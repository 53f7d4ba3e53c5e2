using System.Buffers.Binary;
using Weft.Core.Identity.Internal;

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
    private const int MaxCertificate = Hello.MaxCertificateSize;

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

    public static int SizeFor(int certificateLength) =>
        Hello.TypeSize + 2 + certificateLength + Hello.NonceSize + Hello.NonceSize + 8 + Ed25519Signer.SignatureSize;

    /// <summary>Writes a signed reply to a request whose nonce is <paramref name="requestNonce"/>; returns its length.</summary>
    public static int Write(Span<byte> destination, Certificate certificate, NodeKeys keys, ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> requestNonce, DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Write(destination, certificate.EncodedSpan, keys, nonce, requestNonce, timestamp);
    }

    /// <summary>As above, from the certificate's encoding.</summary>
    public static int Write(Span<byte> destination, ReadOnlySpan<byte> certificate, NodeKeys keys, ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> requestNonce, DateTimeOffset timestamp)
    {
        Hello.RequireMatchingKeys(certificate, keys, out _);
        if (nonce.Length != Hello.NonceSize || requestNonce.Length != Hello.NonceSize)
        {
            throw new ArgumentException($"Hello nonces are {Hello.NonceSize} bytes.", nameof(nonce));
        }

        var size = SizeFor(certificate.Length);
        if (certificate.Length > MaxCertificate || destination.Length < size)
        {
            throw new ArgumentException($"A hello reply needs {size} bytes.", nameof(destination));
        }

        Hello.ReplyType.CopyTo(destination);
        var at = Hello.TypeSize;
        BinaryPrimitives.WriteUInt16BigEndian(destination[at..], (ushort)certificate.Length);
        at += 2;
        certificate.CopyTo(destination[at..]);
        at += certificate.Length;
        nonce.CopyTo(destination[at..]);
        at += Hello.NonceSize;
        requestNonce.CopyTo(destination[at..]);
        at += Hello.NonceSize;
        BinaryPrimitives.WriteInt64BigEndian(destination[at..], timestamp.ToUnixTimeMilliseconds());
        at += 8;
        Hello.Sign(keys, Hello.ReplyContext, destination[..at], destination.Slice(at, Ed25519Signer.SignatureSize));
        return size;
    }

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

        var r = new WireReader(datagram[Hello.TypeSize..]);
        if (!r.UInt16("certificate length", out var length)
            || (length > MaxCertificate && r.Fail($"certificate length {length} is over {MaxCertificate}"))
            || !r.Bytes("certificate", length, out var certificateBytes)
            || !r.Bytes("nonce", Hello.NonceSize, out var nonce)
            || !r.Bytes("request nonce", Hello.NonceSize, out var requestNonce)
            || !r.Int64("timestamp", out var millis)
            || ((millis < DateTimeOffset.MinValue.ToUnixTimeMilliseconds() || millis > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
                && r.Fail("timestamp out of range")))
        {
            error = "bad hello reply: " + r.Error;
            return false;
        }

        var signed = Hello.TypeSize + r.Position;
        if (!r.Bytes("signature", Ed25519Signer.SignatureSize, out var signature) || !r.NoTrailingBytes("hello reply"))
        {
            error = "bad hello reply: " + r.Error;
            return false;
        }

        if (!Certificate.TryDecode(certificateBytes, out var certificate, out error))
        {
            error = "bad hello reply: " + error;
            return false;
        }

        if (!Hello.Verify(certificate!.SigningKey, Hello.ReplyContext, datagram[..signed], signature))
        {
            error = $"bad hello reply: the signature does not verify with the signing key of '{certificate.Name}'";
            return false;
        }

        reply = new HelloReply(certificate, nonce.ToArray(), requestNonce.ToArray(), DateTimeOffset.FromUnixTimeMilliseconds(millis));
        error = "";
        return true;
    }
}
