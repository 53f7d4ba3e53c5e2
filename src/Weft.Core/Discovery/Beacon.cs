using System.Buffers.Binary;
using Weft.Core.Identity;

namespace Weft.Core.Discovery;

/// <summary>
/// A LAN beacon: "a member of mesh CA X, node Y, listens on UDP port P on this link". Sent to the
/// IPv6 link-local multicast group <c>ff02::5745:4654</c> ("WEFT") on every up, multicast-capable
/// interface, outside any WireGuard session (like the hello). It carries nothing secret: the CA id
/// and the node id are hashes of public keys, and a node that hears a beacon only learns where to
/// say hello — membership is proved by the hello's certificate check, never by the beacon.
/// <code>
///   offset size  field
///     0     4    type "WEF\x03" (57 45 46 03)
///     4    16    CA id = SHA-256(CA public key)[0..16] (the certificate's issuer id)
///    20    16    node id (NodeId of the sender's X25519 session key)
///    36     2    listen port, big-endian (1..65535): where the sender takes hellos and handshakes
///   = 38 bytes, exactly
/// </code>
/// The type cannot be mistaken for a WireGuard message (types 1-4 are a little-endian uint32 whose
/// bytes 1-3 are zero) nor for a hello ("WEF\x01", "WEF\x02"). Parsing is strict (exact size,
/// known type, non-zero port) and never throws.
/// </summary>
public readonly struct Beacon : IEquatable<Beacon>
{
    public const int TypeSize = 4;

    /// <summary>The size of every beacon on the wire.</summary>
    public const int Size = TypeSize + CaCertificate.IdSize + NodeId.Size + 2;

    private const int CaIdOffset = TypeSize;
    private const int NodeIdOffset = CaIdOffset + CaCertificate.IdSize;
    private const int PortOffset = NodeIdOffset + NodeId.Size;

    private readonly ulong caHigh;
    private readonly ulong caLow;

    private Beacon(ulong caHigh, ulong caLow, NodeId nodeId, ushort listenPort)
    {
        this.caHigh = caHigh;
        this.caLow = caLow;
        NodeId = nodeId;
        ListenPort = listenPort;
    }

    /// <summary>The message type, the first four bytes.</summary>
    public static ReadOnlySpan<byte> Type => [0x57, 0x45, 0x46, 0x03];

    /// <summary>The sender's node id.</summary>
    public NodeId NodeId { get; }

    /// <summary>The UDP port the sender listens on.</summary>
    public ushort ListenPort { get; }

    /// <summary>True when the datagram starts with the beacon type (it may still be malformed).</summary>
    public static bool IsBeacon(ReadOnlySpan<byte> datagram) => datagram.Length >= TypeSize && datagram[..TypeSize].SequenceEqual(Type);

    /// <summary>Writes a beacon into <paramref name="destination"/> (at least <see cref="Size"/> bytes) and returns <see cref="Size"/>.</summary>
    public static int Write(Span<byte> destination, ReadOnlySpan<byte> caId, NodeId nodeId, ushort listenPort)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException($"A beacon needs {Size} bytes.", nameof(destination));
        }

        if (caId.Length != CaCertificate.IdSize)
        {
            throw new ArgumentException($"A CA id is {CaCertificate.IdSize} bytes, not {caId.Length}.", nameof(caId));
        }

        ArgumentOutOfRangeException.ThrowIfZero(listenPort);
        Type.CopyTo(destination);
        caId.CopyTo(destination[CaIdOffset..]);
        nodeId.WriteTo(destination.Slice(NodeIdOffset, NodeId.Size));
        BinaryPrimitives.WriteUInt16BigEndian(destination[PortOffset..], listenPort);
        return Size;
    }

    /// <summary>A new beacon message.</summary>
    public static byte[] Create(ReadOnlySpan<byte> caId, NodeId nodeId, ushort listenPort)
    {
        var message = new byte[Size];
        Write(message, caId, nodeId, listenPort);
        return message;
    }

    /// <summary>Parses a beacon: false (never an exception) unless it is exactly <see cref="Size"/> bytes of the beacon type with a non-zero port.</summary>
    public static bool TryRead(ReadOnlySpan<byte> datagram, out Beacon beacon)
    {
        beacon = default;
        if (datagram.Length != Size || !IsBeacon(datagram))
        {
            return false;
        }

        var port = BinaryPrimitives.ReadUInt16BigEndian(datagram[PortOffset..]);
        if (port == 0)
        {
            return false;
        }

        beacon = new Beacon(
            BinaryPrimitives.ReadUInt64BigEndian(datagram[CaIdOffset..]),
            BinaryPrimitives.ReadUInt64BigEndian(datagram[(CaIdOffset + 8)..]),
            NodeId.FromBytes(datagram.Slice(NodeIdOffset, NodeId.Size)),
            port);
        return true;
    }

    /// <summary>True when the beacon was sent by a member (claimed) of the CA whose id is <paramref name="caId"/>.</summary>
    public bool IsFromCa(ReadOnlySpan<byte> caId) =>
        caId.Length == CaCertificate.IdSize
        && BinaryPrimitives.ReadUInt64BigEndian(caId) == caHigh
        && BinaryPrimitives.ReadUInt64BigEndian(caId[8..]) == caLow;

    /// <summary>Copies the CA id (16 bytes) into <paramref name="destination"/>.</summary>
    public void CopyCaId(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, caHigh);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], caLow);
    }

    public bool Equals(Beacon other) => caHigh == other.caHigh && caLow == other.caLow && NodeId == other.NodeId && ListenPort == other.ListenPort;

    public override bool Equals(object? obj) => obj is Beacon other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(caHigh, caLow, NodeId, ListenPort);

    public static bool operator ==(Beacon left, Beacon right) => left.Equals(right);

    public static bool operator !=(Beacon left, Beacon right) => !left.Equals(right);

    public override string ToString() => $"beacon from {NodeId} port {ListenPort}";
}
