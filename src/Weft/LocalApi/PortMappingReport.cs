namespace Weft.LocalApi;

/// <summary>
/// The daemon's port mapping in a netcheck. <see cref="Available"/>: true with <see cref="Protocol"/> ("pcp", "nat-pmp",
/// "upnp") and <see cref="External"/> when the router granted one; false with the reasons in <see cref="Error"/>; null
/// while the first attempt is still running (error "still trying").
/// </summary>
internal sealed record PortMappingReport(bool? Available, string? Protocol, string? External, string? Error)
{
    public static PortMappingReport StillTrying { get; } = new(null, null, null, "still trying");
}
