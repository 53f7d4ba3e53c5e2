namespace Weft.Platform.PortMapping;

/// <summary>Which protocols <see cref="PortMapper"/> tries, and how long it waits for each.</summary>
public sealed record PortMapperOptions
{
    public bool TryPcp { get; init; } = true;

    public bool TryNatPmp { get; init; } = true;

    public bool TryUpnp { get; init; } = true;

    /// <summary>NAT-PMP/PCP retransmits (default 250 ms doubling, 1.75 s in all).</summary>
    public RetransmitSchedule Retransmit { get; init; } = RetransmitSchedule.Default;

    /// <summary>How long to collect SSDP answers.</summary>
    public TimeSpan SsdpWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Timeout of each UPnP HTTP request (description, SOAP action).</summary>
    public TimeSpan HttpTimeout { get; init; } = TimeSpan.FromSeconds(3);
}
