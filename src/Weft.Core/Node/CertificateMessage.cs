using System.Buffers.Binary;

namespace Weft.Core.Node;

/// <summary>
/// The certificate exchange control message, sent inside a WireGuard session.
/// </summary>
/// <remarks>
/// <code>
///  0        1        2        3        4
///  +--------+--------+--------+--------+------------------------------------+
///  |  0x01  | flags  | length (BE u16) | certificate (Certificate.Encode()) |
///  +--------+--------+--------+--------+------------------------------------+
///  flags bit 0: "I have verified your certificate" (the ack); other bits must be zero.
///  Anything after the certificate is ignored (WireGuard pads payloads with zeros to 16 bytes).
/// </code>
/// Each side sends its certificate until it has verified the peer's and has seen the peer's
/// flag set; the flag lets both sides know when to stop. The certificate's own encoding is the
/// identity module's; this message only frames it.
/// </remarks>
public static class CertificateMessage
{
    public const int HeaderSize = 4;
    public const byte VerifiedYoursFlag = 0x01;

    public static int SizeFor(int certificateLength) => HeaderSize + certificateLength;

    /// <summary>Writes the message; <paramref name="destination"/> needs <see cref="SizeFor"/> bytes.</summary>
    public static int Write(ReadOnlySpan<byte> certificate, bool verifiedYours, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(certificate.Length, ushort.MaxValue);
        destination[0] = (byte)ControlMessageType.Certificate;
        destination[1] = verifiedYours ? VerifiedYoursFlag : (byte)0;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)certificate.Length);
        certificate.CopyTo(destination[HeaderSize..]);
        return HeaderSize + certificate.Length;
    }

    public static byte[] Create(ReadOnlySpan<byte> certificate, bool verifiedYours)
    {
        var message = new byte[SizeFor(certificate.Length)];
        Write(certificate, verifiedYours, message);
        return message;
    }

    /// <summary>Reads the message; false when it is truncated, has unknown flags or is not a certificate message.</summary>
    public static bool TryRead(ReadOnlySpan<byte> message, out ReadOnlySpan<byte> certificate, out bool verifiedYours)
    {
        certificate = default;
        verifiedYours = false;
        if (message.Length < HeaderSize || message[0] != (byte)ControlMessageType.Certificate)
        {
            return false;
        }

        var flags = message[1];
        if ((flags & ~VerifiedYoursFlag) != 0)
        {
            return false;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        if (length == 0 || message.Length - HeaderSize < length)
        {
            return false;
        }

        certificate = message.Slice(HeaderSize, length);
        verifiedYours = (flags & VerifiedYoursFlag) != 0;
        return true;
    }
}
