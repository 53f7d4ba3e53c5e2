using System.Net;
using System.Net.Sockets;
using Weft.Core.Identity;

namespace Weft.Cli;

/// <summary>Small helpers for the mesh addresses the commands print and check.</summary>
internal static class Addresses
{
    /// <summary>"100.90.0.2/16, fdxx:...:1" — a certificate's addresses for one-line messages.</summary>
    public static string Describe(Certificate certificate)
    {
        var parts = new List<string>();
        foreach (var a in certificate.Ipv4)
        {
            parts.Add(a.ToString());
        }

        parts.Add(certificate.Ipv6.ToString());
        return string.Join(", ", parts);
    }

    /// <summary>Parses an IPv4 range like 100.90.0.0/16 (host bits must be zero, prefix 8..30).</summary>
    public static IPNetwork ParseIpv4Range(string text, string option)
    {
        if (!IPNetwork.TryParse(text, out var range) || range.BaseAddress.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new UserErrorException($"{option} must be an IPv4 range like 100.90.0.0/16, got \"{text}\"");
        }

        if (range.PrefixLength is < 8 or > 30)
        {
            throw new UserErrorException($"{option}: the prefix length must be between /8 and /30, got /{range.PrefixLength}");
        }

        return range;
    }

    /// <summary>Parses a single IPv4 address that must be a usable host address inside <paramref name="range"/>.</summary>
    public static IPAddress ParseHostInRange(string text, IPNetwork range, string option)
    {
        if (!IPAddress.TryParse(text, out var address) || address.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new UserErrorException($"{option} must be an IPv4 address, got \"{text}\"");
        }

        if (!range.Contains(address))
        {
            throw new UserErrorException($"{option} {address} is outside the mesh range {range}");
        }

        var bits = ToUInt32(address);
        var network = ToUInt32(range.BaseAddress);
        var broadcast = network | (uint.MaxValue >> range.PrefixLength);
        if (bits == network || bits == broadcast)
        {
            throw new UserErrorException($"{option} {address} is the network or broadcast address of {range}");
        }

        return address;
    }

    private static uint ToUInt32(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
    }
}
