using System.Buffers.Binary;
using System.Net;
using Weft.Core.Net;

namespace Weft.Core.Paths;

/// <summary>
/// The answer to a <see cref="PingMessage"/> (control message 0x03): the probe id echoed, and the
/// endpoint the ping was seen to come from — so the pinger learns its reflexive (outside-NAT) address.
/// </summary>
/// <remarks>
/// <code>
///  0      1      2               4                             12     13                  13+n
///  +------+------+---------------+-----------------------------+------+-------------------+
///  | 0x03 | kind | observed port |  probe id (u64, big-endian) |  n   | observed address  |
///  +------+------+---------------+-----------------------------+------+-------------------+
///  kind = TransportKind of the path the ping arrived on (0 udp, 1 tcp, 2 tls, 3 relay);
///  port big-endian; n = 4 (IPv4), 16 (IPv6) or 0 (relay: no address, port 0).
/// </code>
/// Readers ignore anything after the address (WireGuard's zero padding).
/// </remarks>
public static class PongMessage
{
    public const byte Type = 0x03;
    public const int MinimumSize = 13;
    public const int MaximumSize = 13 + 16;

    /// <summary>Writes the pong for <paramref name="probeId"/> seen from <paramref name="observed"/>; returns its length.</summary>
    public static int Write(Span<byte> destination, ulong probeId, Endpoint observed)
    {
        ArgumentNullException.ThrowIfNull(observed);
        var address = observed switch
        {
            UdpEndpoint udp => udp.Address,
            StreamConnection stream => stream.Remote,
            _ => null,
        };
        destination[..MinimumSize].Clear();
        destination[0] = Type;
        destination[1] = (byte)observed.Kind;
        BinaryPrimitives.WriteUInt64BigEndian(destination[4..], probeId);
        if (address is null)
        {
            return MinimumSize;
        }

        var ip = address.Address.IsIPv4MappedToIPv6 ? address.Address.MapToIPv4() : address.Address;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)address.Port);
        if (!ip.TryWriteBytes(destination[MinimumSize..], out var written))
        {
            throw new InvalidOperationException("An IP address is at most 16 bytes.");
        }

        destination[12] = (byte)written;
        return MinimumSize + written;
    }

    /// <summary>Reads a pong; false if it is truncated or its fields are out of range.</summary>
    public static bool TryRead(ReadOnlySpan<byte> message, out ulong probeId, out ObservedEndpoint? observed)
    {
        probeId = 0;
        observed = null;
        if (message.Length < MinimumSize || message[0] != Type || message[1] > (byte)TransportKind.Relay)
        {
            return false;
        }

        var kind = (TransportKind)message[1];
        var port = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        probeId = BinaryPrimitives.ReadUInt64BigEndian(message[4..]);
        var length = message[12];
        if (length is not (0 or 4 or 16) || message.Length < MinimumSize + length || (length == 0) != (kind == TransportKind.Relay))
        {
            return false;
        }

        observed = new ObservedEndpoint(kind, length == 0 ? null : new IPEndPoint(new IPAddress(message.Slice(MinimumSize, length)), port));
        return true;
    }
}
