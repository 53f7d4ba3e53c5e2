using System.Buffers.Binary;
using Weft.Core.Identity.Internal;

namespace Weft.Core.Identity;

/// <summary>
/// The layout both hello messages share (<see cref="HelloRequest"/>, <see cref="HelloReply"/>):
/// type, certificate, nonce, [the request's nonce, in a reply only], timestamp, signature.
/// One writer and one reader, so the two halves of the exchange cannot drift apart.
/// </summary>
internal static class HelloWire
{
    private const int MaxCertificate = Hello.MaxCertificateSize;

    /// <summary>What <see cref="TryRead"/> found.</summary>
    internal readonly record struct Parts(Certificate Certificate, byte[] Nonce, byte[]? RequestNonce, DateTimeOffset Timestamp);

    public static int SizeFor(int certificateLength, bool echoesRequest) =>
        Hello.TypeSize + 2 + certificateLength + Hello.NonceSize + (echoesRequest ? Hello.NonceSize : 0) + 8 + Ed25519Signer.SignatureSize;

    /// <summary>Writes and signs one hello message; <paramref name="requestNonce"/> is empty for a request.</summary>
    public static int Write(Span<byte> destination, ReadOnlySpan<byte> type, ReadOnlySpan<byte> context, string what,
        ReadOnlySpan<byte> certificate, NodeKeys keys, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> requestNonce, bool echoesRequest,
        DateTimeOffset timestamp)
    {
        Hello.RequireMatchingKeys(certificate, keys, out _);
        if (nonce.Length != Hello.NonceSize || (echoesRequest && requestNonce.Length != Hello.NonceSize))
        {
            throw new ArgumentException($"Hello nonces are {Hello.NonceSize} bytes.", nameof(nonce));
        }

        var size = SizeFor(certificate.Length, echoesRequest);
        if (certificate.Length > MaxCertificate || destination.Length < size)
        {
            throw new ArgumentException($"A {what} needs {size} bytes.", nameof(destination));
        }

        type.CopyTo(destination);
        var at = Hello.TypeSize;
        BinaryPrimitives.WriteUInt16BigEndian(destination[at..], (ushort)certificate.Length);
        at += 2;
        certificate.CopyTo(destination[at..]);
        at += certificate.Length;
        nonce.CopyTo(destination[at..]);
        at += Hello.NonceSize;
        if (echoesRequest)
        {
            requestNonce.CopyTo(destination[at..]);
            at += Hello.NonceSize;
        }

        BinaryPrimitives.WriteInt64BigEndian(destination[at..], timestamp.ToUnixTimeMilliseconds());
        at += 8;
        Hello.Sign(keys, context, destination[..at], destination.Slice(at, Ed25519Signer.SignatureSize));
        return size;
    }

    /// <summary>
    /// Parses one hello message (the caller checked its type) and verifies its signature against the
    /// certificate's signing key. Never throws on bad input; <paramref name="error"/> says what is wrong.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> datagram, ReadOnlySpan<byte> context, string what, bool echoesRequest,
        out Parts parts, out string error)
    {
        parts = default;
        var r = new WireReader(datagram[Hello.TypeSize..]);
        ReadOnlySpan<byte> requestNonce = default;
        if (!r.UInt16("certificate length", out var length)
            || (length > MaxCertificate && r.Fail($"certificate length {length} is over {MaxCertificate}"))
            || !r.Bytes("certificate", length, out var certificateBytes)
            || !r.Bytes("nonce", Hello.NonceSize, out var nonce)
            || (echoesRequest && !r.Bytes("request nonce", Hello.NonceSize, out requestNonce))
            || !r.Int64("timestamp", out var millis)
            || ((millis < DateTimeOffset.MinValue.ToUnixTimeMilliseconds() || millis > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
                && r.Fail("timestamp out of range")))
        {
            error = $"bad {what}: {r.Error}";
            return false;
        }

        var signed = Hello.TypeSize + r.Position;
        if (!r.Bytes("signature", Ed25519Signer.SignatureSize, out var signature) || !r.NoTrailingBytes(what))
        {
            error = $"bad {what}: {r.Error}";
            return false;
        }

        if (!Certificate.TryDecode(certificateBytes, out var certificate, out error))
        {
            error = $"bad {what}: {error}";
            return false;
        }

        if (!Hello.Verify(certificate!.SigningKey, context, datagram[..signed], signature))
        {
            error = $"bad {what}: the signature does not verify with the signing key of '{certificate.Name}'";
            return false;
        }

        parts = new Parts(certificate, nonce.ToArray(), echoesRequest ? requestNonce.ToArray() : null,
                          DateTimeOffset.FromUnixTimeMilliseconds(millis));
        error = "";
        return true;
    }
}
