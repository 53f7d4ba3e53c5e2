using System.Net;

namespace Weft.Simulation;

/// <summary>
/// A NAT's mappings and filter state, implementing RFC 4787: mapping keyed by inside endpoint
/// and (per <see cref="NatMappingBehavior"/>) the destination; outside port assignment with port
/// preservation, sequential or random allocation; filtering per <see cref="NatFilteringBehavior"/>;
/// expiry after <see cref="NatBehavior.MappingTimeout"/> without outbound traffic.
/// </summary>
/// <remarks>
/// Expiry is lazy: an expired entry is removed when a lookup or a port allocation meets it, so no
/// timer runs per mapping. Lookups are dictionary hits on value-type keys (no allocation per packet);
/// a new mapping or a new permission allocates.
/// </remarks>
internal sealed class NatTable(SeededRandom random)
{
    private readonly Dictionary<(SimEndpoint Inside, SimEndpoint Key), NatMapping> byKey = [];
    private readonly Dictionary<int, NatMapping> byPort = [];
    private readonly Dictionary<int, SimEndpoint> forwards = [];
    private int nextPort = -1;

    public int Count => byKey.Count;

    public void Clear()
    {
        byKey.Clear();
        byPort.Clear();
        forwards.Clear();
    }

    /// <summary>Counts mappings still alive, removing the expired ones.</summary>
    public int CountActive(NatBehavior behavior, long now)
    {
        List<NatMapping>? dead = null;
        foreach (var m in byKey.Values)
        {
            if (IsExpired(m.LastUsed, behavior, now))
            {
                (dead ??= []).Add(m);
            }
        }

        if (dead is not null)
        {
            foreach (var m in dead)
            {
                Remove(m);
            }
        }

        return byKey.Count;
    }

    /// <summary>Live mappings as snapshots (expired ones are removed first).</summary>
    public List<NatMappingInfo> Snapshot(NatBehavior behavior, SimAddress outside, long now)
    {
        CountActive(behavior, now);
        var list = new List<NatMappingInfo>(byKey.Count);
        foreach (var m in byKey.Values)
        {
            var permitted = new List<IPEndPoint>();
            foreach (var (remote, last) in m.Permissions)
            {
                if (!IsExpired(last, behavior, now))
                {
                    permitted.Add(new IPEndPoint(remote.Address.ToIPAddress(), remote.Port));
                }
            }

            var translated = byPort.TryGetValue(m.ExternalPort, out var owner) && owner == m;
            list.Add(new NatMappingInfo(
                new IPEndPoint(m.Inside.Address.ToIPAddress(), m.Inside.Port),
                translated ? new IPEndPoint(outside.ToIPAddress(), m.ExternalPort) : new IPEndPoint(m.Inside.Address.ToIPAddress(), m.Inside.Port),
                m.Key == default ? null : new IPEndPoint(m.Key.Address.ToIPAddress(), m.Key.Port),
                TimeSpan.FromTicks(now - m.LastUsed),
                permitted));
        }

        return list;
    }

    /// <summary>
    /// The mapping an outbound datagram from <paramref name="inside"/> to <paramref name="remote"/>
    /// uses, created if needed and refreshed; null when no outside port is free.
    /// <paramref name="translate"/> false = firewall state only (endpoint-independent, port kept).
    /// </summary>
    public NatMapping? Outbound(SimEndpoint inside, SimEndpoint remote, NatBehavior behavior, bool translate, long now)
    {
        var key = translate ? MappingKey(remote, behavior.Mapping) : default;
        if (byKey.TryGetValue((inside, key), out var mapping) && IsExpired(mapping.LastUsed, behavior, now))
        {
            Remove(mapping);
            mapping = null;
        }

        if (mapping is null)
        {
            var port = translate ? AllocatePort(inside.Port, behavior, now) : inside.Port;
            if (port < 0)
            {
                return null;
            }

            mapping = new NatMapping(inside, key, port, now);
            byKey.Add((inside, key), mapping);
            if (translate)
            {
                byPort.Add(port, mapping);
            }
        }

        mapping.LastUsed = now;
        if (behavior.Filtering != NatFilteringBehavior.EndpointIndependent)
        {
            mapping.Permissions[FilterKey(remote, behavior.Filtering)] = now;
        }

        return mapping;
    }

    /// <summary>
    /// A port forward (what NAT-PMP, PCP or UPnP grant): datagrams to outside port <paramref name="port"/> from anyone
    /// go to <paramref name="inside"/>; it never expires. See <see cref="InboundForward"/> for the replies.
    /// </summary>
    public void AddForward(int port, SimEndpoint inside) => forwards[port] = inside;

    public bool RemoveForward(int port) => forwards.Remove(port);

    /// <summary>
    /// A datagram from <paramref name="remote"/> to a forwarded port: the connection state it creates (or refreshes), so
    /// the inside host's datagrams back to <paramref name="remote"/> leave from the forwarded port, as connection tracking
    /// does. Under endpoint-independent mapping an existing mapping of the inside endpoint keeps its own port. Null
    /// when the port is not forwarded.
    /// </summary>
    public NatMapping? InboundForward(int port, SimEndpoint remote, NatBehavior behavior, long now)
    {
        if (!forwards.TryGetValue(port, out var inside))
        {
            return null;
        }

        var key = MappingKey(remote, behavior.Mapping);
        if (!byKey.TryGetValue((inside, key), out var mapping) || IsExpired(mapping.LastUsed, behavior, now))
        {
            if (mapping is not null)
            {
                Remove(mapping);
            }

            mapping = new NatMapping(inside, key, port, now);
            byKey[(inside, key)] = mapping;
        }

        mapping.LastUsed = now;
        mapping.Permissions[FilterKey(remote, behavior.Filtering)] = now;
        return mapping;
    }

    /// <summary>The live mapping on outside port <paramref name="port"/>, if any.</summary>
    public NatMapping? ByExternalPort(int port, NatBehavior behavior, long now)
    {
        if (!byPort.TryGetValue(port, out var mapping))
        {
            return null;
        }

        if (IsExpired(mapping.LastUsed, behavior, now))
        {
            Remove(mapping);
            return null;
        }

        return mapping;
    }

    /// <summary>Firewall state for an inside endpoint, if live.</summary>
    public NatMapping? ByInside(SimEndpoint inside, NatBehavior behavior, long now)
    {
        if (!byKey.TryGetValue((inside, default), out var mapping))
        {
            return null;
        }

        if (IsExpired(mapping.LastUsed, behavior, now))
        {
            Remove(mapping);
            return null;
        }

        return mapping;
    }

    /// <summary>Whether the filtering behaviour lets <paramref name="remote"/> send through <paramref name="mapping"/>.</summary>
    public static bool Permits(NatMapping mapping, SimEndpoint remote, NatBehavior behavior, long now)
    {
        if (behavior.Filtering == NatFilteringBehavior.EndpointIndependent)
        {
            return true;
        }

        return mapping.Permissions.TryGetValue(FilterKey(remote, behavior.Filtering), out var last)
            && !IsExpired(last, behavior, now);
    }

    private static SimEndpoint MappingKey(SimEndpoint remote, NatMappingBehavior mapping) => mapping switch
    {
        NatMappingBehavior.EndpointIndependent => default,
        NatMappingBehavior.AddressDependent => new SimEndpoint(remote.Address, 0),
        _ => remote,
    };

    private static SimEndpoint FilterKey(SimEndpoint remote, NatFilteringBehavior filtering) =>
        filtering == NatFilteringBehavior.AddressDependent ? new SimEndpoint(remote.Address, 0) : remote;

    private static bool IsExpired(long lastUsed, NatBehavior behavior, long now) =>
        now - lastUsed >= behavior.MappingTimeout.Ticks;

    private void Remove(NatMapping mapping)
    {
        byKey.Remove((mapping.Inside, mapping.Key));
        if (byPort.TryGetValue(mapping.ExternalPort, out var owner) && owner == mapping)
        {
            byPort.Remove(mapping.ExternalPort);
        }
    }

    private bool IsFree(int port, NatBehavior behavior, long now) => !forwards.ContainsKey(port) && ByExternalPort(port, behavior, now) is null;

    private int AllocatePort(int insidePort, NatBehavior behavior, long now)
    {
        var low = behavior.PortRangeStart;
        var size = 65536 - low;
        if (behavior.PortPreservation && insidePort > 0 && IsFree(insidePort, behavior, now))
        {
            return insidePort;
        }

        if (behavior.RandomPortAllocation)
        {
            for (var tries = 0; tries < 64; tries++)
            {
                var port = low + random.Next(size);
                if (IsFree(port, behavior, now))
                {
                    return port;
                }
            }
        }

        if (nextPort < low)
        {
            nextPort = low;
        }

        for (var tries = 0; tries < size; tries++)
        {
            var port = nextPort;
            nextPort = nextPort == 65535 ? low : nextPort + 1;
            if (IsFree(port, behavior, now))
            {
                return port;
            }
        }

        return -1;
    }
}
