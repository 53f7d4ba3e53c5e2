namespace Weft.Core.Node;

/// <summary>
/// The addresses one peer may use as a source and receives traffic for: host addresses
/// (a member's IPv4 and derived IPv6, or a plain WireGuard peer's /32 and /128 allowed IPs) and
/// prefixes (a member's subnets, a WireGuard peer's wider allowed IPs). Immutable, so the
/// packet path reads it without a lock.
/// </summary>
internal sealed class OwnedAddresses
{
    public static readonly OwnedAddresses None = new([]);

    public OwnedAddresses(IReadOnlyList<AddressPrefix> entries)
    {
        var v4 = new List<uint>();
        var v6 = new List<UInt128>();
        var prefixes = new List<AddressPrefix>();
        foreach (var entry in entries)
        {
            if (entry.IsHost)
            {
                if (entry.IsIpv6)
                {
                    v6.Add(entry.Bits);
                }
                else
                {
                    v4.Add((uint)entry.Bits);
                }
            }
            else
            {
                prefixes.Add(entry);
            }
        }

        HostsV4 = [.. v4];
        HostsV6 = [.. v6];
        Prefixes = [.. prefixes];
        All = [.. entries];
    }

    public uint[] HostsV4 { get; }

    public UInt128[] HostsV6 { get; }

    public AddressPrefix[] Prefixes { get; }

    public AddressPrefix[] All { get; }

    public bool Owns(bool isIpv6, UInt128 address)
    {
        if (isIpv6)
        {
            foreach (var host in HostsV6)
            {
                if (host == address)
                {
                    return true;
                }
            }
        }
        else
        {
            var v4 = (uint)address;
            foreach (var host in HostsV4)
            {
                if (host == v4)
                {
                    return true;
                }
            }
        }

        foreach (var prefix in Prefixes)
        {
            if (prefix.Contains(isIpv6, address))
            {
                return true;
            }
        }

        return false;
    }
}
