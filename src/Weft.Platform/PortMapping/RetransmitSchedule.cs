namespace Weft.Platform.PortMapping;

/// <summary>
/// How long to wait for a NAT-PMP/PCP answer: <see cref="InitialWait"/>, doubled after each of
/// <see cref="Attempts"/> sends (RFC 6886 §3.1 starts at 250 ms; we stop early so a silent router costs
/// under two seconds instead of the RFC's minute).
/// </summary>
public readonly record struct RetransmitSchedule(TimeSpan InitialWait, int Attempts)
{
    /// <summary>250 ms, 500 ms, 1 s: 1.75 s in all.</summary>
    public static RetransmitSchedule Default { get; } = new(TimeSpan.FromMilliseconds(250), 3);

    public TimeSpan Total
    {
        get
        {
            var total = TimeSpan.Zero;
            var wait = InitialWait;
            for (var i = 0; i < Attempts; i++, wait *= 2)
            {
                total += wait;
            }

            return total;
        }
    }
}
