using System.Buffers.Binary;
using Weft.Core.Identity;
using Weft.Core.Identity.Internal;
using Weft.Core.Node;

namespace Weft.Core.Mesh;

/// <summary>
/// A signed link-state advert: which members the origin has live direct sessions with and what
/// each link costs, whether it relays for others, and its certificate so that any member (not
/// only a neighbour) can check the signature. Flooded to the whole mesh inside sessions.
/// It names node IDs and costs only, never a clearnet address.
/// </summary>
/// <remarks>
/// <code>
///  offset size
///   0      1   type 0x05 (ControlMessageType.LinkStateAdvert)
///   1      1   version 0x01
///   2     16   origin node ID
///  18      8   sequence (BE u64; the origin's unix milliseconds, strictly increasing)
///  26      8   expires (BE u64, unix seconds)
///  34      1   flags: bit 0 = relay-willing; other bits zero
///  35      2   certificate length L (BE u16, 1..Hello.MaxCertificateSize)
///  37      L   the origin's certificate (Certificate.Encode())
///  37+L    2   neighbour count N (BE u16, at most MaxNeighbours)
///  39+L  20N   neighbours: node ID (16) | cost (BE u32, RTT in 100 µs units, ≥ 1);
///              strictly ascending by node ID (so no duplicates), never the origin
///  39+L+20N 64 Ed25519 signature by the certificate's signing key over
///              "weft link-state advert v1" || bytes [0, 39+L+20N)
/// </code>
/// Nothing may follow the signature except the zero padding WireGuard adds to a payload (fewer
/// than 16 zero bytes). Decoding is strict and never throws; it does not check the signature or
/// the certificate (that is <see cref="LinkStateDatabase"/>'s job, with the trust store).
/// </remarks>
public sealed class LinkStateAdvert
{
    public const byte CurrentVersion = 1;
    public const int MaxNeighbours = 1024;
    public const int SignatureSize = Ed25519Signer.SignatureSize;
    public const byte RelayWillingFlag = 0x01;

    private const int OriginOffset = 2;
    private const int SequenceOffset = 18;
    private const int ExpiresOffset = 26;
    private const int FlagsOffset = 34;
    private const int CertificateLengthOffset = 35;
    private const int CertificateOffset = 37;
    private const int NeighbourSize = NodeId.Size + 4;
    private const int MaxPadding = 15;

    private LinkStateAdvert(NodeId origin, ulong sequence, DateTimeOffset expires, bool relayWilling, Certificate certificate,
                            LinkStateNeighbour[] neighbours, byte[] encoded)
    {
        Origin = origin;
        Sequence = sequence;
        Expires = expires;
        RelayWilling = relayWilling;
        Certificate = certificate;
        Neighbours = neighbours;
        Encoded = encoded;
    }

    internal static ReadOnlySpan<byte> SignatureContext => "weft link-state advert v1"u8;

    public NodeId Origin { get; }

    public ulong Sequence { get; }

    public DateTimeOffset Expires { get; }

    /// <summary>False when the origin opted out of relaying: it is never used as an intermediate hop.</summary>
    public bool RelayWilling { get; }

    /// <summary>The origin's certificate (its names and addresses; verified by the database, not by decoding).</summary>
    public Certificate Certificate { get; }

    /// <summary>The origin's neighbours, ascending by node ID.</summary>
    public IReadOnlyList<LinkStateNeighbour> Neighbours { get; }

    /// <summary>The encoded size without any padding.</summary>
    public int EncodedLength => Encoded.Length;

    /// <summary>The advert as received (unpadded): what is flooded on, byte for byte.</summary>
    internal byte[] Encoded { get; }

    /// <summary>The encoded size of an advert with a certificate of <paramref name="certificateLength"/> bytes and <paramref name="neighbours"/> neighbours.</summary>
    public static int SizeFor(int certificateLength, int neighbours) => CertificateOffset + certificateLength + 2 + (neighbours * NeighbourSize) + SignatureSize;

    /// <summary>
    /// Encodes and signs an advert for this node. <paramref name="neighbours"/> are sorted here;
    /// a caller bug (certificate not ours, duplicates, too many, the node itself) throws.
    /// </summary>
    public static byte[] Create(NodeKeys keys, Certificate certificate, ulong sequence, DateTimeOffset expires, bool relayWilling,
                                IEnumerable<LinkStateNeighbour> neighbours)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(neighbours);
        if (!certificate.SigningKey.AsSpan().SequenceEqual(keys.SigningPublicKey) || certificate.NodeId != keys.NodeId)
        {
            throw new ArgumentException("The certificate is not for these keys.", nameof(certificate));
        }

        var sorted = neighbours.ToArray();
        Array.Sort(sorted, static (a, b) => NodeIdOrder.Instance.Compare(a.Node, b.Node));
        if (sorted.Length > MaxNeighbours)
        {
            throw new ArgumentException($"An advert carries at most {MaxNeighbours} neighbours.", nameof(neighbours));
        }

        for (var i = 0; i < sorted.Length; i++)
        {
            if (sorted[i].Node == certificate.NodeId || sorted[i].Cost == 0 || (i > 0 && sorted[i].Node == sorted[i - 1].Node))
            {
                throw new ArgumentException("Neighbours must be distinct, other nodes, with a cost of at least 1.", nameof(neighbours));
            }
        }

        var cert = certificate.EncodedSpan;
        var buffer = new byte[SizeFor(cert.Length, sorted.Length)];
        var span = buffer.AsSpan();
        span[0] = (byte)ControlMessageType.LinkStateAdvert;
        span[1] = CurrentVersion;
        certificate.NodeId.WriteTo(span[OriginOffset..]);
        BinaryPrimitives.WriteUInt64BigEndian(span[SequenceOffset..], sequence);
        BinaryPrimitives.WriteUInt64BigEndian(span[ExpiresOffset..], (ulong)Math.Max(0, expires.ToUnixTimeSeconds()));
        span[FlagsOffset] = relayWilling ? RelayWillingFlag : (byte)0;
        BinaryPrimitives.WriteUInt16BigEndian(span[CertificateLengthOffset..], (ushort)cert.Length);
        cert.CopyTo(span[CertificateOffset..]);
        var at = CertificateOffset + cert.Length;
        BinaryPrimitives.WriteUInt16BigEndian(span[at..], (ushort)sorted.Length);
        at += 2;
        foreach (var neighbour in sorted)
        {
            neighbour.Node.WriteTo(span[at..]);
            BinaryPrimitives.WriteUInt32BigEndian(span[(at + NodeId.Size)..], neighbour.Cost);
            at += NeighbourSize;
        }

        Hello.Sign(keys, SignatureContext, span[..at], span[at..]);
        return buffer;
    }

    /// <summary>
    /// Decodes an advert (strictly; see the layout). Never throws: false and a reason for
    /// anything malformed. The signature and certificate are not checked here.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> message, out LinkStateAdvert? advert, out string error)
    {
        advert = null;
        if (!TryMeasure(message, out var length, out error))
        {
            return false;
        }

        var certificateLength = BinaryPrimitives.ReadUInt16BigEndian(message[CertificateLengthOffset..]);
        if (!Certificate.TryDecode(message.Slice(CertificateOffset, certificateLength), out var certificate, out var certificateError)
            || certificate is null)
        {
            error = $"the certificate does not decode ({certificateError})";
            return false;
        }

        var at = CertificateOffset + certificateLength;
        var count = BinaryPrimitives.ReadUInt16BigEndian(message[at..]);
        at += 2;
        var origin = NodeId.FromBytes(message.Slice(OriginOffset, NodeId.Size));
        var neighbours = new LinkStateNeighbour[count];
        for (var i = 0; i < count; i++)
        {
            var node = NodeId.FromBytes(message.Slice(at, NodeId.Size));
            var cost = BinaryPrimitives.ReadUInt32BigEndian(message[(at + NodeId.Size)..]);
            if (cost == 0)
            {
                error = "a neighbour has cost 0";
                return false;
            }

            if (node == origin)
            {
                error = "the origin lists itself as a neighbour";
                return false;
            }

            if (i > 0 && NodeIdOrder.Instance.Compare(neighbours[i - 1].Node, node) >= 0)
            {
                error = "neighbours are not in strictly ascending order";
                return false;
            }

            neighbours[i] = new LinkStateNeighbour(node, cost);
            at += NeighbourSize;
        }

        var expiresSeconds = BinaryPrimitives.ReadUInt64BigEndian(message[ExpiresOffset..]);
        if (expiresSeconds > (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            error = "the expiry is out of range";
            return false;
        }

        advert = new LinkStateAdvert(origin, BinaryPrimitives.ReadUInt64BigEndian(message[SequenceOffset..]),
                                     DateTimeOffset.FromUnixTimeSeconds((long)expiresSeconds),
                                     (message[FlagsOffset] & RelayWillingFlag) != 0, certificate, neighbours, message[..length].ToArray());
        error = string.Empty;
        return true;
    }

    /// <summary>
    /// Checks the framing only (type, version, lengths, flags, padding) and gives the unpadded
    /// length; cheap enough to run before anything else. Never throws.
    /// </summary>
    public static bool TryMeasure(ReadOnlySpan<byte> message, out int length, out string error)
    {
        length = 0;
        if (message.Length < CertificateOffset + 2 + SignatureSize)
        {
            error = "truncated header";
            return false;
        }

        if (message[0] != (byte)ControlMessageType.LinkStateAdvert)
        {
            error = "not a link-state advert";
            return false;
        }

        if (message[1] != CurrentVersion)
        {
            error = $"unknown version {message[1]}";
            return false;
        }

        if ((message[FlagsOffset] & ~RelayWillingFlag) != 0)
        {
            error = "unknown flags";
            return false;
        }

        int certificateLength = BinaryPrimitives.ReadUInt16BigEndian(message[CertificateLengthOffset..]);
        if (certificateLength == 0 || certificateLength > Hello.MaxCertificateSize
            || message.Length < CertificateOffset + certificateLength + 2)
        {
            error = "bad certificate length";
            return false;
        }

        int count = BinaryPrimitives.ReadUInt16BigEndian(message[(CertificateOffset + certificateLength)..]);
        if (count > MaxNeighbours)
        {
            error = "too many neighbours";
            return false;
        }

        var size = SizeFor(certificateLength, count);
        if (message.Length < size)
        {
            error = "truncated neighbours or signature";
            return false;
        }

        var padding = message[size..];
        if (padding.Length > MaxPadding || padding.ContainsAnyExcept((byte)0))
        {
            error = "trailing bytes after the signature";
            return false;
        }

        length = size;
        error = string.Empty;
        return true;
    }

    /// <summary>The origin node ID of a message that passed <see cref="TryMeasure"/>.</summary>
    public static NodeId ReadOrigin(ReadOnlySpan<byte> message) => NodeId.FromBytes(message.Slice(OriginOffset, NodeId.Size));

    /// <summary>The sequence number of a message that passed <see cref="TryMeasure"/>.</summary>
    public static ulong ReadSequence(ReadOnlySpan<byte> message) => BinaryPrimitives.ReadUInt64BigEndian(message[SequenceOffset..]);

    /// <summary>True when <paramref name="other"/> (an advert of the same origin) says the same about the topology: neighbours, costs, relay flag, certificate.</summary>
    public bool SameTopology(LinkStateAdvert other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Origin != Origin || other.RelayWilling != RelayWilling || other.Neighbours.Count != Neighbours.Count
            || !other.Certificate.EncodedSpan.SequenceEqual(Certificate.EncodedSpan))
        {
            return false;
        }

        for (var i = 0; i < Neighbours.Count; i++)
        {
            if (Neighbours[i] != other.Neighbours[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// True when the signature over <paramref name="message"/> (the bytes this advert was decoded
    /// from) verifies with the certificate's signing key. The certificate itself is not checked.
    /// </summary>
    public bool VerifySignature(ReadOnlySpan<byte> message)
    {
        if (message.Length < EncodedLength)
        {
            return false;
        }

        var signed = EncodedLength - SignatureSize;
        return Hello.Verify(Certificate.SigningKey, SignatureContext, message[..signed], message.Slice(signed, SignatureSize));
    }
}
