namespace Weft.Core.WireGuard;

/// <summary>
/// The four WireGuard message layouts, byte for byte. All integers are little-endian; the first
/// byte is the type and the next three are zero.
/// </summary>
/// <remarks>
/// <code>
/// Handshake initiation (type 1, 148 bytes)
///  0               4               8                                40
///  +-+-----+-------+---------------+--------------------------------+
///  |1| 0 0 0       | sender index  | unencrypted ephemeral (32)     |
///  +---------------+---------------+--------------------------------+
///  40                                     88                    116
///  | encrypted static (32 + 16 tag)       | encrypted timestamp (12 + 16 tag) |
///  116              132              148
///  | mac1 (16)      | mac2 (16)      |
///
/// Handshake response (type 2, 92 bytes)
///  0       4              8                12                      44
///  |2 0 0 0| sender index | receiver index | unencrypted ephemeral (32) |
///  44                    60          76          92
///  | encrypted nothing (0 + 16 tag) | mac1 (16) | mac2 (16) |
///
/// Cookie reply (type 3, 64 bytes)
///  0       4                8            32                         64
///  |3 0 0 0| receiver index | nonce (24) | encrypted cookie (16 + 16 tag) |
///
/// Transport data (type 4, 32 + 16·n bytes)
///  0       4                8                      16
///  |4 0 0 0| receiver index | counter (64-bit LE)  | encrypted packet (padded to 16) + tag (16) |
/// </code>
/// mac1 covers everything before it; mac2 covers everything before it (including mac1).
/// A keepalive is a transport message with an empty payload (32 bytes on the wire).
/// </remarks>
internal static class WireGuardMessages
{
    public const byte TypeInitiation = 1;
    public const byte TypeResponse = 2;
    public const byte TypeCookieReply = 3;
    public const byte TypeTransport = 4;

    public const int KeySize = 32;
    public const int TagSize = 16;
    public const int MacSize = 16;
    public const int TimestampSize = 12;
    public const int CookieSize = 16;
    public const int CookieNonceSize = 24;

    public const int InitiationSize = 148;
    public const int InitiationSenderOffset = 4;
    public const int InitiationEphemeralOffset = 8;
    public const int InitiationStaticOffset = 40;
    public const int InitiationTimestampOffset = 88;
    public const int InitiationMac1Offset = 116;
    public const int InitiationMac2Offset = 132;

    public const int ResponseSize = 92;
    public const int ResponseSenderOffset = 4;
    public const int ResponseReceiverOffset = 8;
    public const int ResponseEphemeralOffset = 12;
    public const int ResponseEmptyOffset = 44;
    public const int ResponseMac1Offset = 60;
    public const int ResponseMac2Offset = 76;

    public const int CookieReplySize = 64;
    public const int CookieReplyReceiverOffset = 4;
    public const int CookieReplyNonceOffset = 8;
    public const int CookieReplyCookieOffset = 32;

    public const int TransportHeaderSize = 16;
    public const int TransportReceiverOffset = 4;
    public const int TransportCounterOffset = 8;
    public const int TransportMinimumSize = TransportHeaderSize + TagSize;
    public const int PaddingMultiple = 16;

    /// <summary>The payload length rounded up to the padding multiple.</summary>
    public static int PaddedLength(int length) => (length + PaddingMultiple - 1) & ~(PaddingMultiple - 1);

    /// <summary>Writes the type byte and its three zero bytes.</summary>
    public static void WriteType(Span<byte> message, byte type)
    {
        message[0] = type;
        message[1] = 0;
        message[2] = 0;
        message[3] = 0;
    }
}
