using System.Buffers.Binary;
using System.Net;

namespace Weft.Platform.PortMapping;

/// <summary>
/// PCP (RFC 6887) MAP messages for UDP: pure encoders and decoders, integers big-endian,
/// IPv4 addresses carried as IPv4-mapped IPv6 (::ffff:a.b.c.d).
/// <code>
/// request (24-byte header + 36-byte MAP = 60 bytes)
///  0        1        2        3
/// +--------+--------+--------+--------+
/// | vers=2 |R=0 op=1|   reserved (0)  |
/// +--------+--------+--------+--------+
/// |  requested lifetime (seconds)     |
/// +--------+--------+--------+--------+
/// |  client IP address (16 bytes)     |   the client's own address, IPv4-mapped
/// +--------+--------+--------+--------+
/// |  mapping nonce (12 bytes)         |   MAP payload starts at byte 24
/// +--------+--------+--------+--------+
/// | proto  |      reserved (0)        |   proto 17 = UDP
/// +--------+--------+--------+--------+
/// |  internal port  | suggested ext.  |
/// +--------+--------+--------+--------+
/// |  suggested external IP (16 bytes) |   ::ffff:0.0.0.0 = no preference
/// +--------+--------+--------+--------+
///
/// response (24-byte header + 36-byte MAP)
/// +--------+--------+--------+--------+
/// | vers=2 |R=1 op=1|reserved| result |
/// +--------+--------+--------+--------+
/// |  lifetime (seconds)               |
/// +--------+--------+--------+--------+
/// |  epoch time (seconds)             |
/// +--------+--------+--------+--------+
/// |  reserved (12 bytes)              |
/// +--------+--------+--------+--------+
/// |  nonce | proto | reserved | internal port | assigned external port | assigned external IP (16) |
/// </code>
/// A request with lifetime 0 deletes the mapping owned by the same nonce.
/// </summary>
internal static class PcpMessage
{
    public const byte Version = 2;
    public const byte OpMap = 1;
    public const byte ProtocolUdp = 17;
    public const int HeaderLength = 24;
    public const int MapLength = HeaderLength + 36;
    public const int NonceLength = 12;
    public const byte ResultUnsupportedVersion = 1;

    public static byte[] EncodeMapUdp(ReadOnlySpan<byte> nonce, IPAddress client, int internalPort, int suggestedExternalPort, IPAddress? suggestedExternal, uint lifetimeSeconds)
    {
        if (nonce.Length != NonceLength)
        {
            throw new ArgumentException("a PCP nonce is 12 bytes", nameof(nonce));
        }

        var bytes = new byte[MapLength];
        bytes[0] = Version;
        bytes[1] = OpMap;
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), lifetimeSeconds);
        WriteAddress(bytes.AsSpan(8, 16), client);
        nonce.CopyTo(bytes.AsSpan(24));
        bytes[36] = ProtocolUdp;
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(40), checked((ushort)internalPort));
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(42), checked((ushort)suggestedExternalPort));
        WriteAddress(bytes.AsSpan(44, 16), suggestedExternal ?? IPAddress.Any);
        return bytes;
    }

    /// <summary>
    /// Decodes a MAP response that answers <paramref name="nonce"/>. <paramref name="resultCode"/> is the
    /// server's code when the header was readable (1 = UNSUPP_VERSION), else -1.
    /// </summary>
    public static bool TryDecodeMapUdp(ReadOnlySpan<byte> response, ReadOnlySpan<byte> nonce, out int resultCode, out int internalPort, out int externalPort,
        out IPAddress externalAddress, out uint lifetimeSeconds, out string? error)
    {
        resultCode = -1;
        internalPort = externalPort = 0;
        externalAddress = IPAddress.None;
        lifetimeSeconds = 0;
        if (response.Length < 4)
        {
            error = $"PCP: truncated response ({response.Length} bytes)";
            return false;
        }

        if (response[0] != Version)
        {
            error = $"PCP: response version {response[0]}, expected {Version}";
            return false;
        }

        if (response[1] != (0x80 | OpMap))
        {
            error = $"PCP: response opcode byte 0x{response[1]:x2}, expected 0x{0x80 | OpMap:x2}";
            return false;
        }

        resultCode = response[3];
        if (resultCode != 0)
        {
            error = $"PCP: {ResultName(resultCode)}";
            return false;
        }

        if (response.Length < MapLength)
        {
            error = $"PCP: truncated MAP response ({response.Length} bytes, expected {MapLength})";
            return false;
        }

        if (!response.Slice(24, NonceLength).SequenceEqual(nonce))
        {
            error = "PCP: response nonce does not match the request";
            return false;
        }

        if (response[36] != ProtocolUdp)
        {
            error = $"PCP: response protocol {response[36]}, expected {ProtocolUdp}";
            return false;
        }

        lifetimeSeconds = BinaryPrimitives.ReadUInt32BigEndian(response[4..]);
        internalPort = BinaryPrimitives.ReadUInt16BigEndian(response[40..]);
        externalPort = BinaryPrimitives.ReadUInt16BigEndian(response[42..]);
        externalAddress = ReadAddress(response.Slice(44, 16));
        error = null;
        return true;
    }

    public static string ResultName(int code) => code switch
    {
        0 => "SUCCESS",
        1 => "UNSUPP_VERSION",
        2 => "NOT_AUTHORIZED",
        3 => "MALFORMED_REQUEST",
        4 => "UNSUPP_OPCODE",
        5 => "UNSUPP_OPTION",
        6 => "MALFORMED_OPTION",
        7 => "NETWORK_FAILURE",
        8 => "NO_RESOURCES",
        9 => "UNSUPP_PROTOCOL",
        10 => "USER_EX_QUOTA",
        11 => "CANNOT_PROVIDE_EXTERNAL",
        12 => "ADDRESS_MISMATCH",
        13 => "EXCESSIVE_REMOTE_PEERS",
        _ => $"result code {code}",
    };

    private static void WriteAddress(Span<byte> destination, IPAddress address)
    {
        var v6 = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? address.MapToIPv6() : address;
        v6.TryWriteBytes(destination, out _);
    }

    private static IPAddress ReadAddress(ReadOnlySpan<byte> source)
    {
        var address = new IPAddress(source);
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }
}
