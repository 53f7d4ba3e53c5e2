using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Weft.Core.Identity;

/// <summary>
/// Where IPv6 addresses come from. The mesh's ULA prefix is fd00::/8 plus 40 bits of
/// SHA-256(CA public key), a /48 (RFC 4193 style, the random Global ID taken from the key);
/// a node's address is that /48 plus 80 bits: the first 10 bytes of
/// SHA-256("weft ipv6" || node X25519 public key). Nobody can hold an address without its key.
/// <code>
///  0    1              6                                        16
/// +----+--------------+-----------------------------------------+
/// | fd | H(ca key)[0..5] | SHA-256("weft ipv6" || x25519)[0..10] |
/// +----+--------------+-----------------------------------------+
/// </code>
/// </summary>
public static class Ipv6Derivation
{
    private static ReadOnlySpan<byte> NodeContext => "weft ipv6"u8;

    /// <summary>The mesh /48: fd + the first 40 bits of SHA-256 of the CA's Ed25519 public key.</summary>
    public static IPNetwork UlaPrefixFromCaKey(ReadOnlySpan<byte> caPublicKey)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(caPublicKey, hash);
        Span<byte> address = stackalloc byte[16];
        address.Clear();
        address[0] = 0xfd;
        hash[..5].CopyTo(address[1..]);
        return new IPNetwork(new IPAddress(address), 48);
    }

    /// <summary>The node's address inside <paramref name="ula48"/> for its X25519 public key.</summary>
    public static IPAddress NodeAddress(IPNetwork ula48, ReadOnlySpan<byte> x25519Public)
    {
        if (ula48.BaseAddress.AddressFamily != AddressFamily.InterNetworkV6 || ula48.PrefixLength != 48)
        {
            throw new ArgumentException($"The mesh IPv6 prefix must be an IPv6 /48, not {ula48}.", nameof(ula48));
        }

        Span<byte> input = stackalloc byte[9 + 32];
        NodeContext.CopyTo(input);
        if (x25519Public.Length != 32)
        {
            throw new ArgumentException($"An X25519 public key is 32 bytes, not {x25519Public.Length}.", nameof(x25519Public));
        }

        x25519Public.CopyTo(input[NodeContext.Length..]);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        Span<byte> address = stackalloc byte[16];
        ula48.BaseAddress.TryWriteBytes(address, out _);
        hash[..10].CopyTo(address[6..]);
        return new IPAddress(address);
    }
}
