namespace Weft.Demo;

/// <summary>The knobs of <c>weft demo</c>: keep the world up after the report, and how long to wait for everyone to connect.</summary>
internal sealed record DemoOptions(bool Keep, TimeSpan ConnectTimeout);
