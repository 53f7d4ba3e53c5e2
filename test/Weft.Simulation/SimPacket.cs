namespace Weft.Simulation;

/// <summary>
/// A datagram in flight: the simulation's own copy of the bytes plus its addressing. Pooled by
/// <see cref="SimNetwork"/>; whoever drops or delivers it returns it (see <see cref="SimNetwork.Release"/>).
/// As a <see cref="SimEvent"/> it is its own arrival at the far end of a link.
/// <code>
/// Buffer: | HeadRoom (64) | datagram (Length) | TailRoom (64) ... |
/// </code>
/// </summary>
/// <remarks>
/// Ownership: the sending host fills it; <see cref="HostInterface.Transmit"/> either drops it or
/// schedules its arrival; on arrival the receiving host delivers it to a socket, forwards it (a
/// router rewrites the addresses in place and transmits it again), or drops it.
/// </remarks>
internal sealed class SimPacket(SimNetwork network) : SimEvent
{
    /// <summary>Free bytes before the datagram, as the real UDP transport leaves (UdpTransport.HeadRoom).</summary>
    public const int HeadRoom = 64;

    /// <summary>Free bytes after the datagram, as the real UDP transport leaves.</summary>
    public const int TailRoom = 64;

    public byte[] Buffer = new byte[HeadRoom + 1500 + TailRoom];
    public int Length;
    public SimEndpoint Source;
    public SimEndpoint Destination;
    public HostInterface? From;
    public HostInterface? Target;   // null = loopback to LoopbackHost
    public Host? LoopbackHost;
    public int Hops;

    /// <summary>IP TTL / hop limit given by the sender: the packet may cross at most this many links (each router decrements it).</summary>
    public int Ttl = SimNetwork.HopLimit;

    public Span<byte> Data => Buffer.AsSpan(HeadRoom, Length);

    internal override void Fire(long version) => network.Arrive(this);
}
