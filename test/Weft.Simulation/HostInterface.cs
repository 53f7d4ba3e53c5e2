using System.Net;

namespace Weft.Simulation;

/// <summary>
/// A host's attachment to a <see cref="Segment"/>: its addresses there, its gateway (on a LAN
/// behind a router), and its side of the link, which transmits with the segment's
/// <see cref="LinkProfile"/> unless <see cref="Profile"/> overrides it (an access link with its
/// own delay, loss or bandwidth). It can be cut and healed on its own.
/// </summary>
/// <remarks>
/// Transmission state (<see cref="busyUntil"/>, <see cref="lastArrival"/>) models one FIFO wire:
/// with a bandwidth limit, datagrams queue behind each other and the queue is drop-tail bounded.
/// </remarks>
public sealed class HostInterface
{
    private readonly SimNetwork network;
    private readonly SeededRandom random;
    private LinkProfile? profile;
    private double busyUntil;
    private long lastArrival;

    internal HostInterface(Host host, Segment segment, SimAddress? v4, SimAddress? v6)
    {
        Host = host;
        Segment = segment;
        network = host.Network;
        V4 = v4;
        V6 = v6;
        Ipv4 = v4?.ToIPAddress();
        Ipv6 = v6?.ToIPAddress();
        random = SeededRandom.ForStream(network.Seed, "link:" + segment.Name + ":" + host.Name);
    }

    public Host Host { get; }

    public Segment Segment { get; }

    /// <summary>The IPv4 address on this segment, if it has one.</summary>
    public IPAddress? Ipv4 { get; }

    /// <summary>The IPv6 address on this segment, if it has one.</summary>
    public IPAddress? Ipv6 { get; }

    /// <summary>Overrides the segment's profile for what this host transmits; null = use the segment's.</summary>
    public LinkProfile? Profile
    {
        get => profile;
        set
        {
            value?.Validate();
            profile = value;
        }
    }

    /// <summary>False while this attachment is cut.</summary>
    public bool IsUp { get; private set; } = true;

    internal SimAddress? V4 { get; }

    internal SimAddress? V6 { get; }

    internal SimAddress? Gateway4 { get; set; }

    internal SimAddress? Gateway6 { get; set; }

    /// <summary>Partition side on the segment: datagrams pass only between equal sides.</summary>
    internal int Side { get; set; }

    /// <summary>Unplugs the host from the segment: everything it sends or should receive here is dropped (reason Cut).</summary>
    public void Cut() => IsUp = false;

    public void Heal()
    {
        if (IsDetached)
        {
            throw new InvalidOperationException($"{this} was detached; attach the host again instead.");
        }

        IsUp = true;
    }

    /// <summary>
    /// Unplugs the host from the segment for good (a laptop leaving a network): its addresses
    /// there are released and datagrams in flight to it are dropped. Attach it elsewhere with
    /// <see cref="Host.Attach"/> to model roaming.
    /// </summary>
    public void Detach()
    {
        if (!IsDetached)
        {
            IsDetached = true;
            IsUp = false;
            Segment.Detach(this);
            Host.RemoveInterface(this);
        }
    }

    /// <summary>True once <see cref="Detach"/> was called.</summary>
    public bool IsDetached { get; private set; }

    public override string ToString() => $"{Host.Name}@{Segment.Name}";

    internal SimAddress? AddressFor(bool v6) => v6 ? V6 : V4;

    internal SimAddress? GatewayFor(bool v6) => v6 ? Gateway6 : Gateway4;

    /// <summary>
    /// Puts <paramref name="packet"/> on the wire towards the interface that owns (or routes)
    /// <paramref name="nextHop"/> on this segment. Takes ownership: the packet is either scheduled
    /// to arrive or dropped and released.
    /// </summary>
    internal void Transmit(SimPacket packet, SimAddress nextHop)
    {
        var segment = Segment;
        if (++packet.Hops > SimNetwork.HopLimit || packet.Hops > packet.Ttl)
        {
            network.Drop(packet, DropReason.HopLimit, Host, segment);
            return;
        }

        if (!IsUp || !segment.IsUp)
        {
            network.Drop(packet, DropReason.Cut, Host, segment);
            return;
        }

        var target = segment.Resolve(nextHop);
        if (target is null)
        {
            network.Drop(packet, DropReason.NoRoute, Host, segment);
            return;
        }

        if (!target.IsUp || target.Side != Side)
        {
            network.Drop(packet, DropReason.Cut, Host, segment);
            return;
        }

        var link = profile ?? segment.Profile;
        var wireBytes = packet.Length + packet.Destination.Address.HeaderOverhead;
        if (link.Mtu > 0 && wireBytes > link.Mtu)
        {
            network.Drop(packet, DropReason.TooBig, Host, segment);
            return;
        }

        if (link.Loss > 0 && random.NextDouble() < link.Loss)
        {
            network.Drop(packet, DropReason.Loss, Host, segment);
            return;
        }

        var now = network.Clock.Ticks;
        var departure = now;
        if (link.Bandwidth > 0)
        {
            // busyUntil is kept in fractional ticks so a long burst does not accumulate rounding.
            var start = Math.Max(now, busyUntil);
            var queuedBytes = (start - now) * link.Bandwidth / 8.0 / TimeSpan.TicksPerSecond;
            if (queuedBytes + wireBytes > link.QueueBytes + 0.5)
            {
                network.Drop(packet, DropReason.QueueFull, Host, segment);
                return;
            }

            busyUntil = start + (wireBytes * 8.0 * TimeSpan.TicksPerSecond / link.Bandwidth);
            departure = (long)Math.Ceiling(busyUntil);
        }

        var arrival = departure + segment.LatencyTicks(this, target, link);
        if (link.Jitter > TimeSpan.Zero)
        {
            arrival += random.NextInt64(link.Jitter.Ticks + 1);
        }

        // A wire is FIFO: jitter delays, it does not reorder.
        arrival = Math.Max(arrival, lastArrival);
        lastArrival = arrival;

        packet.From = this;
        packet.Target = target;
        segment.Counters.CountSent();

        if (link.DuplicateProbability > 0 && random.NextDouble() < link.DuplicateProbability)
        {
            var copy = network.Copy(packet);
            segment.Counters.CountDuplicated();
            network.Counters.CountDuplicated();
            network.Clock.ScheduleAt(arrival, copy, 0);
        }

        if (link.ReorderProbability > 0 && random.NextDouble() < link.ReorderProbability)
        {
            arrival += link.ReorderDelay.Ticks;
            segment.Counters.CountReordered();
            network.Counters.CountReordered();
        }

        if (network.Trace.Enabled)
        {
            network.Trace.Packet("xmit", this.ToString(), packet.Source, packet.Destination, packet.Length,
                string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"to {target} arrives t={arrival / (double)TimeSpan.TicksPerSecond:F6}s"));
        }

        network.Clock.ScheduleAt(arrival, packet, 0);
    }
}
