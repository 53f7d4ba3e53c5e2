namespace Weft.Core.Nat;

/// <summary>
/// The NAT probe datagram, sent outside any session (like hellos and beacons): as a primer (TTL 2, opens our own
/// router toward a peer candidate), as a sweep packet (TTL 3, opens our filter for every port of a hard-NAT peer)
/// and as the hairpin probe of netcheck (sent to our own reflexive endpoint). It is never answered.
/// </summary>
/// <remarks>
/// <code>
///  0     1     2     3     4                                              20
///  +-----+-----+-----+-----+-----------------------------------------------+
///  | 'W' | 'E' | 'F' | 0x05|  token (16 random bytes)                      |
///  +-----+-----+-----+-----+-----------------------------------------------+
/// </code>
/// The first byte is never a WireGuard message type (1–4), so the receiver can tell it apart before the device sees it.
/// A receiver that gets one whose token is an outstanding hairpin token of its own knows its NAT hairpins;
/// any other is counted (<c>NodeCounters.NatProbesReceived</c>) and dropped.
/// </remarks>
public static class NatProbe
{
    public const int Size = 20;
    public const int TokenSize = 16;

    private static ReadOnlySpan<byte> Magic => "WEF\x05"u8;

    /// <summary>True if <paramref name="datagram"/> starts with the probe's magic (whatever its length).</summary>
    public static bool IsProbe(ReadOnlySpan<byte> datagram) => datagram.Length >= 4 && datagram[..4].SequenceEqual(Magic);

    /// <summary>Writes a probe carrying <paramref name="token"/> (16 bytes) into <paramref name="destination"/>.</summary>
    public static void Write(Span<byte> destination, ReadOnlySpan<byte> token)
    {
        if (token.Length != TokenSize)
        {
            throw new ArgumentException("A NAT probe token is 16 bytes.", nameof(token));
        }

        Magic.CopyTo(destination);
        token.CopyTo(destination[4..Size]);
    }

    /// <summary>The token of a well-formed probe; false if the datagram is not exactly a probe.</summary>
    public static bool TryRead(ReadOnlySpan<byte> datagram, out ReadOnlySpan<byte> token)
    {
        token = default;
        if (datagram.Length != Size || !IsProbe(datagram))
        {
            return false;
        }

        token = datagram[4..Size];
        return true;
    }
}
