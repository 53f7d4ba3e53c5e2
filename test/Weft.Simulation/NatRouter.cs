using System.Net;

namespace Weft.Simulation;

/// <summary>
/// A router between an inside LAN (<see cref="Inside"/>, which it creates and is the gateway of)
/// and an outside segment: a NAT with pluggable RFC 4787 behaviour, a stateful firewall, or a
/// UDP-blocking box, per <see cref="Behavior"/>. Chain two for double NAT (create the second on
/// the first one's <see cref="Inside"/>).
/// </summary>
/// <remarks>
/// <code>
///  inside host ──► Inside ──► [ outbound: mapping lookup/creation, refresh, permit remote;
///                               source rewritten to (outside address, mapped port) ] ──► Outside
///  outside host ─► Outside ─► [ inbound: mapping by destination port; filtering check;
///                               destination rewritten to the inside endpoint ] ──► Inside
///  inside host ──► Inside ──► [ hairpin: destination is our own outside address: both
///                               translations, then back onto Inside ] ──► Inside
/// </code>
/// Only IPv4 is translated. IPv6 is never translated: a LAN with IPv6 (firewall-only mode, or a
/// translating router created with routedIpv6) is routable, with a route added on the outside
/// segment, and IPv6 passes through the stateful firewall path with the same filtering behaviour.
/// In firewall-only mode IPv4 takes that path too. Drops are counted on the router with reasons NatFiltered, NoHairpin,
/// NatPortsExhausted, UdpBlocked.
/// </remarks>
public sealed class NatRouter : Host
{
    private readonly NatTable table;
    private NatBehavior behavior;

    internal NatRouter(SimNetwork network, string name, NatBehavior behavior)
        : base(network, name)
    {
        behavior.Validate();
        this.behavior = behavior;
        table = new NatTable(SeededRandom.ForStream(network.Seed, "nat:" + name));
    }

    /// <summary>The LAN behind this router.</summary>
    public Segment Inside { get; private set; } = null!;

    /// <summary>The router's attachment to the outside segment.</summary>
    public HostInterface Outside { get; private set; } = null!;

    /// <summary>The router's IPv4 address on the outside: what peers see as a NATed host's address.</summary>
    public IPAddress PublicAddress => Outside.Ipv4!;

    /// <summary>
    /// The behaviour, changeable at any time (existing mappings stay); switching between
    /// translating and firewall-only is not possible because it decides how the inside is addressed.
    /// </summary>
    public NatBehavior Behavior
    {
        get => behavior;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            value.Validate();
            if ((value.Mode == NatMode.FirewallOnly) != IsFirewall)
            {
                throw new ArgumentException(
                    "A router cannot switch between translating and firewall-only; create it with the mode it needs.", nameof(value));
            }

            behavior = value;
        }
    }

    /// <summary>Mappings (or firewall states) currently alive.</summary>
    public int ActiveMappings => table.CountActive(behavior, Network.Clock.Ticks);

    /// <summary>Snapshots of the live mappings (or firewall states), e.g. to print when a test fails.</summary>
    public IReadOnlyList<NatMappingInfo> Mappings => table.Snapshot(behavior, Outside.V4 ?? default, Network.Clock.Ticks);

    internal HostInterface? InsideInterface { get; private set; }

    internal bool IsFirewall { get; private set; }

    /// <summary>
    /// Maps outside UDP port <paramref name="outsidePort"/> to <paramref name="inside"/> for good (a port mapping as
    /// NAT-PMP, PCP or UPnP IGD grant): anyone may send to it, and the inside host's answers go back out from it.
    /// Returns the external endpoint. Translating routers only.
    /// </summary>
    public IPEndPoint AddPortMapping(IPEndPoint inside, int outsidePort)
    {
        ArgumentNullException.ThrowIfNull(inside);
        if (IsFirewall)
        {
            throw new InvalidOperationException("A firewall-only router does not map ports.");
        }

        table.AddForward(outsidePort, SimEndpoint.From(inside));
        return new IPEndPoint(PublicAddress, outsidePort);
    }

    /// <summary>Forgets every mapping (port mappings too), as a router reboot would.</summary>
    public void FlushMappings() => table.Clear();

    internal void Connect(Segment outside, Segment inside, bool firewall, bool routesIpv6)
    {
        IsFirewall = firewall;
        Outside = Attach(outside);
        Inside = inside;
        InsideInterface = Attach(inside);
        if (firewall)
        {
            outside.AddRoute(inside.V4Prefix, Outside);
        }

        if (routesIpv6 && inside.V6Prefix is { } p6)
        {
            outside.AddRoute(p6, Outside);
        }
    }

    internal override void Receive(SimPacket packet, HostInterface via)
    {
        var mode = behavior.Mode;
        if (mode == NatMode.UdpBlocked)
        {
            if (Owns(packet.Destination.Address) && OwnsPort(packet.Destination.Port))
            {
                Deliver(packet);
            }
            else
            {
                Network.Drop(packet, DropReason.UdpBlocked, this, via.Segment);
            }

            return;
        }

        if (via == InsideInterface)
        {
            if (packet.Destination.Address == InsideInterface.V4 || packet.Destination.Address == InsideInterface.V6)
            {
                Deliver(packet);
            }
            else if (mode == NatMode.FirewallOnly || packet.Destination.Address.IsV6)
            {
                FirewallOutbound(packet);
            }
            else
            {
                TranslateOutbound(packet);
            }
        }
        else if (mode == NatMode.FirewallOnly || packet.Destination.Address.IsV6)
        {
            FirewallInbound(packet, via);
        }
        else
        {
            TranslateInbound(packet, via);
        }
    }

    private void TranslateOutbound(SimPacket packet)
    {
        var now = Network.Clock.Ticks;
        var outside = Outside.V4!.Value;
        var mapping = table.Outbound(packet.Source, packet.Destination, behavior, translate: true, now);
        if (mapping is null)
        {
            Network.Drop(packet, DropReason.NatPortsExhausted, this, Inside);
            return;
        }

        var mapped = new SimEndpoint(outside, mapping.ExternalPort);
        if (packet.Destination.Address == outside)
        {
            Hairpin(packet, mapped, now);
            return;
        }

        if (Network.Trace.Enabled)
        {
            Network.Trace.Packet("nat-out", Name, packet.Source, packet.Destination, packet.Length, $"(source mapped to {mapped})");
        }

        packet.Source = mapped;
        Forward(packet, Inside);
    }

    private void Hairpin(SimPacket packet, SimEndpoint mapped, long now)
    {
        if (!behavior.Hairpinning)
        {
            Network.Drop(packet, DropReason.NoHairpin, this, Inside);
            return;
        }

        var target = table.ByExternalPort(packet.Destination.Port, behavior, now);
        if (target is null || !NatTable.Permits(target, mapped, behavior, now))
        {
            Network.Drop(packet, DropReason.NatFiltered, this, Inside);
            return;
        }

        if (Network.Trace.Enabled)
        {
            Network.Trace.Packet("hairpin", Name, packet.Source, packet.Destination, packet.Length,
                $"(as {mapped} -> {target.Inside})");
        }

        packet.Source = mapped;
        packet.Destination = target.Inside;
        Forward(packet, Inside);
    }

    private void TranslateInbound(SimPacket packet, HostInterface via)
    {
        var now = Network.Clock.Ticks;
        if (packet.Destination.Address != Outside.V4)
        {
            if (Owns(packet.Destination.Address))
            {
                Deliver(packet);
            }
            else
            {
                Network.Drop(packet, DropReason.NoRoute, this, via.Segment);
            }

            return;
        }

        if (table.InboundForward(packet.Destination.Port, packet.Source, behavior, now) is { } forwarded)
        {
            if (Network.Trace.Enabled)
            {
                Network.Trace.Packet("nat-in", Name, packet.Source, packet.Destination, packet.Length, $"(port mapping to {forwarded.Inside})");
            }

            packet.Destination = forwarded.Inside;
            Forward(packet, via.Segment);
            return;
        }

        var mapping = table.ByExternalPort(packet.Destination.Port, behavior, now);
        if (mapping is null)
        {
            if (OwnsPort(packet.Destination.Port))
            {
                Deliver(packet);
            }
            else
            {
                Network.Drop(packet, DropReason.NatFiltered, this, via.Segment, "(no mapping)");
            }

            return;
        }

        if (!NatTable.Permits(mapping, packet.Source, behavior, now))
        {
            Network.Drop(packet, DropReason.NatFiltered, this, via.Segment, "(filtered)");
            return;
        }

        if (behavior.InboundRefresh)
        {
            mapping.LastUsed = now;
        }

        if (Network.Trace.Enabled)
        {
            Network.Trace.Packet("nat-in", Name, packet.Source, packet.Destination, packet.Length, $"(destination mapped to {mapping.Inside})");
        }

        packet.Destination = mapping.Inside;
        Forward(packet, via.Segment);
    }

    private void FirewallOutbound(SimPacket packet)
    {
        var now = Network.Clock.Ticks;
        if (table.Outbound(packet.Source, packet.Destination, behavior, translate: false, now) is null)
        {
            Network.Drop(packet, DropReason.NatPortsExhausted, this, Inside);
            return;
        }

        Forward(packet, Inside);
    }

    private void FirewallInbound(SimPacket packet, HostInterface via)
    {
        var now = Network.Clock.Ticks;
        if (Owns(packet.Destination.Address))
        {
            Deliver(packet);
            return;
        }

        var state = table.ByInside(packet.Destination, behavior, now);
        if (state is null || !NatTable.Permits(state, packet.Source, behavior, now))
        {
            Network.Drop(packet, DropReason.NatFiltered, this, via.Segment, state is null ? "(no state)" : "(filtered)");
            return;
        }

        if (behavior.InboundRefresh)
        {
            state.LastUsed = now;
        }

        Forward(packet, via.Segment);
    }

    private void Forward(SimPacket packet, Segment from)
    {
        if (!TryRoute(packet.Destination.Address, out var next, out var nextHop))
        {
            Network.Drop(packet, DropReason.NoRoute, this, from);
            return;
        }

        Counters.CountForwarded();
        Network.Counters.CountForwarded();
        next.Transmit(packet, nextHop);
    }
}
