using System.Buffers.Binary;
using System.Net;

namespace Weft.Core.Nat;

/// <summary>
/// Call me maybe (control message 0x04), sent inside the end-to-end session between two members whose session goes
/// through a relay: one step of a NAT traversal attempt, with the sender's NAT flags and its endpoint candidates.
/// </summary>
/// <remarks>
/// <code>
///  0      1      2                     6       7       8
///  +------+------+---------------------+-------+-------+----------------------------+
///  | 0x04 | type | attempt id (u32 BE) | flags | count |  count × candidate         |   (then WireGuard's zero padding)
///  +------+------+---------------------+-------+-------+----------------------------+
///  type:  1 Request, 2 Reply, 3 Go, 4 Swept          count ≤ 16
///  flags: bits 0–1 mapping (0 unknown, 1 none or endpoint-independent, 2 endpoint-dependent; 3 reads as unknown),
///         bit 2 the sender holds a port mapping; bits 3–7 zero (ignored by readers)
///
///  candidate:
///  0        1        2               4
///  +--------+--------+---------------+-------------------------+
///  | source | length |  port (u16 BE)|  address (length bytes) |
///  +--------+--------+---------------+-------------------------+
///  source: 0 local, 1 reflexive, 2 mapped;  length: 4 (IPv4) or 16 (IPv6)
/// </code>
/// A message that is truncated, has an unknown type, more than 16 candidates, or a candidate with an unknown source or
/// an address length other than 4/16 is rejected whole. A well-formed candidate that cannot be probed (loopback,
/// multicast, unspecified, link-local, port 0: <see cref="NatCandidate.IsUsable"/>) is dropped and counted.
/// Readers ignore anything after the last candidate.
/// </remarks>
/// <param name="Type">The attempt step.</param>
/// <param name="AttemptId">Chosen by the initiator; Reply and Go repeat it.</param>
/// <param name="Mapping">The sender's NAT mapping estimate (<see cref="NatMapping.None"/> travels as endpoint-independent).</param>
/// <param name="HasPortMapping">The sender holds a port mapping on its router.</param>
/// <param name="Candidates">The sender's endpoints, at most <see cref="MaxCandidates"/>.</param>
public sealed record CallMeMaybeMessage(CallMeMaybeType Type, uint AttemptId, NatMapping Mapping, bool HasPortMapping,
                                        IReadOnlyList<NatCandidate> Candidates)
{
    public const byte MessageType = 0x04;
    public const int HeaderSize = 8;
    public const int MaxCandidates = 16;
    public const int MaxSize = HeaderSize + (MaxCandidates * (4 + 16));

    private const int MappingMask = 0x03;
    private const int PortMappingFlag = 0x04;

    /// <summary>Encodes the message (candidates that are not <see cref="NatCandidate.IsUsable"/> are left out; at most 16).</summary>
    public byte[] Encode()
    {
        var buffer = new byte[MaxSize];
        buffer[0] = MessageType;
        buffer[1] = (byte)Type;
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(2), AttemptId);
        buffer[6] = (byte)(NatMappingRule.ToFlagBits(Mapping) | (HasPortMapping ? PortMappingFlag : 0));
        var offset = HeaderSize;
        var count = 0;
        foreach (var candidate in Candidates)
        {
            if (count == MaxCandidates || !NatCandidate.IsUsable(candidate.Endpoint))
            {
                continue;
            }

            var address = candidate.Endpoint.Address.IsIPv4MappedToIPv6 ? candidate.Endpoint.Address.MapToIPv4() : candidate.Endpoint.Address;
            buffer[offset] = (byte)candidate.Source;
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(offset + 2), (ushort)candidate.Endpoint.Port);
            address.TryWriteBytes(buffer.AsSpan(offset + 4), out var written);
            buffer[offset + 1] = (byte)written;
            offset += 4 + written;
            count++;
        }

        buffer[7] = (byte)count;
        return buffer.AsSpan(0, offset).ToArray();
    }

    /// <summary>
    /// Decodes a call-me-maybe message. False (with <paramref name="error"/> in words) when it is rejected whole;
    /// <paramref name="dropped"/> counts well-formed candidates left out because they cannot be probed.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> message, out CallMeMaybeMessage? result, out int dropped, out string? error)
    {
        result = null;
        dropped = 0;
        if (message.Length < HeaderSize)
        {
            error = "truncated header";
            return false;
        }

        if (message[0] != MessageType)
        {
            error = "not a call-me-maybe message";
            return false;
        }

        var type = (CallMeMaybeType)message[1];
        if (type is < CallMeMaybeType.Request or > CallMeMaybeType.Swept)
        {
            error = $"unknown type {message[1]}";
            return false;
        }

        var count = message[7];
        if (count > MaxCandidates)
        {
            error = $"{count} candidates (at most {MaxCandidates})";
            return false;
        }

        var attemptId = BinaryPrimitives.ReadUInt32BigEndian(message[2..]);
        var flags = message[6];
        var mapping = (flags & MappingMask) switch
        {
            1 => NatMapping.EndpointIndependent,
            2 => NatMapping.EndpointDependent,
            _ => NatMapping.Unknown,
        };
        var candidates = new List<NatCandidate>(count);
        var offset = HeaderSize;
        for (var i = 0; i < count; i++)
        {
            if (message.Length < offset + 4)
            {
                error = "truncated candidate";
                return false;
            }

            var source = message[offset];
            var length = message[offset + 1];
            if (source > (byte)NatCandidateSource.Mapped)
            {
                error = $"unknown candidate source {source}";
                return false;
            }

            if (length is not (4 or 16))
            {
                error = $"candidate address length {length}";
                return false;
            }

            if (message.Length < offset + 4 + length)
            {
                error = "truncated candidate";
                return false;
            }

            var port = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 2)..]);
            var endpoint = new IPEndPoint(new IPAddress(message.Slice(offset + 4, length)), port);
            offset += 4 + length;
            if (!NatCandidate.IsUsable(endpoint))
            {
                dropped++;
                continue;
            }

            candidates.Add(new NatCandidate((NatCandidateSource)source, endpoint));
        }

        error = null;
        result = new CallMeMaybeMessage(type, attemptId, mapping, (flags & PortMappingFlag) != 0, candidates);
        return true;
    }
}
