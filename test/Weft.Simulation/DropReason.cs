namespace Weft.Simulation;

/// <summary>Why the simulated network dropped a datagram (one counter each).</summary>
public enum DropReason
{
    /// <summary>Random loss on a link (<see cref="LinkProfile.Loss"/>).</summary>
    Loss,

    /// <summary>The link's transmit queue was full (bandwidth limit, tail drop).</summary>
    QueueFull,

    /// <summary>The link, segment or host attachment was cut, or the ends are on different sides of a partition.</summary>
    Cut,

    /// <summary>Larger than the link MTU.</summary>
    TooBig,

    /// <summary>Reached the host, but no socket was bound to the port (or it was not receiving).</summary>
    NoListener,

    /// <summary>No host or route for the destination address.</summary>
    NoRoute,

    /// <summary>A NAT or firewall refused an inbound datagram: no mapping, expired mapping, or filtered by its filtering behaviour.</summary>
    NatFiltered,

    /// <summary>A NAT without hairpinning received an inside datagram for its own outside address.</summary>
    NoHairpin,

    /// <summary>A NAT could not allocate an outside port.</summary>
    NatPortsExhausted,

    /// <summary>A router configured to block UDP.</summary>
    UdpBlocked,

    /// <summary>Forwarded too many times (a routing loop), or more times than the sender's TTL allowed.</summary>
    HopLimit,

    /// <summary>Sent from a closed socket.</summary>
    SocketClosed,
}
