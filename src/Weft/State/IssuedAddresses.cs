using System.Net;
using Weft.Cli;
using Weft.Core.Identity;

namespace Weft.State;

/// <summary>
/// The CA machine's address book (<c>issued.json</c>, Identity's <see cref="IssuedRegistry"/>) as the
/// commands use it: choosing a node's IPv4 without ever giving one address or one name to two nodes.
/// </summary>
internal static class IssuedAddresses
{
    public static IssuedRegistry Load(StateLayout state)
    {
        try
        {
            return IssuedRegistry.Load(state.IssuedRegistry);
        }
        catch (InvalidDataException e)
        {
            throw new UserErrorException(e.Message, e);
        }
    }

    /// <summary>
    /// The IPv4 for node <paramref name="id"/> called <paramref name="name"/>: <paramref name="given"/>
    /// if free; else the address this name already has (a renewal); else the next free one.
    /// </summary>
    public static IPAddress Choose(IssuedRegistry registry, IPNetwork range, string name, NodeId id, string? given, string option)
    {
        var existing = registry.Find(name);
        if (existing is not null && existing.NodeId != id.ToString())
        {
            throw new UserErrorException(
                $"the name \"{name}\" is already issued to another node (node id {existing.NodeId}, {existing.Ipv4}); choose another --name");
        }

        if (given is not null)
        {
            var address = Addresses.ParseHostInRange(given, range, option);
            foreach (var entry in registry.Issued)
            {
                if (entry.Ipv4 == address.ToString() && entry.Name != name)
                {
                    throw new UserErrorException($"{option} {address} is already issued to \"{entry.Name}\"");
                }
            }

            return address;
        }

        if (existing is not null && IPAddress.TryParse(existing.Ipv4, out var previous) && range.Contains(previous))
        {
            return previous;
        }

        try
        {
            return registry.NextFreeIpv4(range);
        }
        catch (InvalidOperationException e)
        {
            throw new UserErrorException(e.Message, e);
        }
    }

    /// <summary>Records and saves, turning a clash into a user error.</summary>
    public static void Record(IssuedRegistry registry, string name, IPAddress address, NodeId id, DateTimeOffset? notAfter)
    {
        try
        {
            registry.Record(name, address, id, notAfter);
        }
        catch (InvalidOperationException e)
        {
            throw new UserErrorException(e.Message, e);
        }

        registry.Save();
    }
}
