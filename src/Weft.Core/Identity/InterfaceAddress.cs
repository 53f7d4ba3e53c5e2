using System.Globalization;
using System.Net;
using Weft.Core.Identity.Internal;

namespace Weft.Core.Identity;

/// <summary>
/// A host address together with the prefix length of the network it sits in, such as
/// 100.90.0.2/16: what a certificate assigns and what goes on the TUN interface.
/// (<see cref="IPNetwork"/> cannot hold it: it insists that the host bits are zero.)
/// </summary>
public readonly record struct InterfaceAddress
{
    public InterfaceAddress(IPAddress address, int prefixLength)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = IpBits.Normalize(address);
        var bits = IpBits.IsIpv4(address) ? 32 : 128;
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, bits);
        Address = address;
        PrefixLength = prefixLength;
    }

    public IPAddress Address { get; }

    public int PrefixLength { get; }

    /// <summary>The network this address belongs to (host bits cleared).</summary>
    public IPNetwork Network
    {
        get
        {
            Span<byte> bytes = stackalloc byte[16];
            Address.TryWriteBytes(bytes, out var length);
            bytes = bytes[..length];
            for (var bit = PrefixLength; bit < length * 8; bit++)
            {
                bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
            }

            return new IPNetwork(new IPAddress(bytes), PrefixLength);
        }
    }

    /// <summary>Parses "address/prefix" (e.g. "100.90.0.2/16").</summary>
    public static bool TryParse(string? text, out InterfaceAddress value)
    {
        value = default;
        var slash = text?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (text is null || slash < 0
            || !IPAddress.TryParse(text.AsSpan(0, slash), out var address)
            || !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix)
            || prefix > (IpBits.IsIpv4(IpBits.Normalize(address)) ? 32 : 128))
        {
            return false;
        }

        value = new InterfaceAddress(address, prefix);
        return true;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Address}/{PrefixLength}");
}
