using System.Buffers.Binary;
using System.Net;

namespace Weft.Platform.PortMapping;

/// <summary>
/// NAT-PMP (RFC 6886) messages: pure encoders and decoders, all integers big-endian.
/// <code>
/// external address request (2 bytes)       external address response (12 bytes)
///  0        1                                0        1        2        3
/// +--------+--------+                       +--------+--------+--------+--------+
/// | vers=0 | op=0   |                       | vers=0 | op=128 |  result code    |
/// +--------+--------+                       +--------+--------+--------+--------+
///                                           |      seconds since start of epoch |
///                                           +--------+--------+--------+--------+
///                                           |   external IPv4 address           |
///                                           +--------+--------+--------+--------+
///
/// map request (12 bytes)                    map response (16 bytes)
/// +--------+--------+--------+--------+     +--------+--------+--------+--------+
/// | vers=0 | op=1   |   reserved (0)  |     | vers=0 | op=129 |  result code    |
/// +--------+--------+--------+--------+     +--------+--------+--------+--------+
/// |  internal port  | suggested ext.  |     |      seconds since start of epoch |
/// +--------+--------+--------+--------+     +--------+--------+--------+--------+
/// |   requested lifetime (seconds)    |     |  internal port  | mapped ext. port|
/// +--------+--------+--------+--------+     +--------+--------+--------+--------+
///  op 1 = UDP, 2 = TCP; lifetime 0 and      |   mapping lifetime (seconds)      |
///  suggested port 0 delete the mapping.     +--------+--------+--------+--------+
/// </code>
/// A NAT-PMP server that receives a higher version answers version 0 with result 1
/// (unsupported version) — which is also how a PCP client learns the server speaks only NAT-PMP.
/// </summary>
internal static class NatPmpMessage
{
    public const int Port = 5351;
    public const byte OpExternalAddress = 0;
    public const byte OpMapUdp = 1;
    public const int ExternalAddressResponseLength = 12;
    public const int MapRequestLength = 12;
    public const int MapResponseLength = 16;

    public static byte[] EncodeExternalAddressRequest() => [0, OpExternalAddress];

    public static byte[] EncodeMapUdpRequest(int internalPort, int suggestedExternalPort, uint lifetimeSeconds)
    {
        var bytes = new byte[MapRequestLength];
        bytes[0] = 0;
        bytes[1] = OpMapUdp;
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(4), checked((ushort)internalPort));
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(6), checked((ushort)suggestedExternalPort));
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(8), lifetimeSeconds);
        return bytes;
    }

    /// <summary>Decodes an external address response; false with a reason for anything else.</summary>
    public static bool TryDecodeExternalAddress(ReadOnlySpan<byte> response, out IPAddress address, out string? error)
    {
        address = IPAddress.None;
        if (!TryHeader(response, OpExternalAddress, ExternalAddressResponseLength, out error))
        {
            return false;
        }

        address = new IPAddress(response.Slice(8, 4));
        return true;
    }

    /// <summary>Decodes a UDP map response; false with a reason for anything else.</summary>
    public static bool TryDecodeMapUdp(ReadOnlySpan<byte> response, out int internalPort, out int externalPort, out uint lifetimeSeconds, out string? error)
    {
        internalPort = externalPort = 0;
        lifetimeSeconds = 0;
        if (!TryHeader(response, OpMapUdp, MapResponseLength, out error))
        {
            return false;
        }

        internalPort = BinaryPrimitives.ReadUInt16BigEndian(response[8..]);
        externalPort = BinaryPrimitives.ReadUInt16BigEndian(response[10..]);
        lifetimeSeconds = BinaryPrimitives.ReadUInt32BigEndian(response[12..]);
        return true;
    }

    /// <summary>True when the bytes are a NAT-PMP "unsupported version" answer (any opcode).</summary>
    public static bool IsUnsupportedVersion(ReadOnlySpan<byte> response) =>
        response.Length >= 4 && response[0] == 0 && response[1] >= 128 && BinaryPrimitives.ReadUInt16BigEndian(response[2..]) == 1;

    public static string ResultName(int code) => code switch
    {
        0 => "success",
        1 => "unsupported version",
        2 => "not authorized/refused",
        3 => "network failure",
        4 => "out of resources",
        5 => "unsupported opcode",
        _ => $"result code {code}",
    };

    private static bool TryHeader(ReadOnlySpan<byte> response, byte opcode, int length, out string? error)
    {
        if (response.Length < 4)
        {
            error = $"NAT-PMP: truncated response ({response.Length} bytes)";
            return false;
        }

        if (response[0] != 0)
        {
            error = $"NAT-PMP: response version {response[0]}, expected 0";
            return false;
        }

        if (response[1] != 128 + opcode)
        {
            error = $"NAT-PMP: response opcode {response[1]}, expected {128 + opcode}";
            return false;
        }

        var result = BinaryPrimitives.ReadUInt16BigEndian(response[2..]);
        if (result != 0)
        {
            error = $"NAT-PMP: {ResultName(result)}";
            return false;
        }

        if (response.Length < length)
        {
            error = $"NAT-PMP: truncated response ({response.Length} bytes, expected {length})";
            return false;
        }

        error = null;
        return true;
    }
}
