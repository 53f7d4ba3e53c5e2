using System.Globalization;

namespace Weft.Simulation;

/// <summary>
/// An optional, human-readable log of every datagram event in a simulation (send, NAT translation,
/// forward, delivery, drop with its reason), one line each, for a test to print when it fails and
/// for determinism checks (the same seed gives the same lines). Off by default: formatting a line
/// allocates, and the per-packet path must not when nobody is looking.
/// </summary>
/// <example><c>t=1.234000s send    a 10.0.0.2:5000 -> 20.0.0.3:41641 len=148</c></example>
public sealed class SimTrace
{
    private readonly List<string> lines = [];
    private readonly VirtualClock clock;

    internal SimTrace(VirtualClock clock)
    {
        this.clock = clock;
    }

    /// <summary>Whether events are recorded.</summary>
    public bool Enabled { get; set; }

    /// <summary>Lines kept; later events are counted in <see cref="Omitted"/> instead.</summary>
    public int Capacity { get; set; } = 1_000_000;

    /// <summary>Events not recorded because <see cref="Capacity"/> was reached.</summary>
    public long Omitted { get; private set; }

    public IReadOnlyList<string> Lines => lines;

    public void Clear()
    {
        lines.Clear();
        Omitted = 0;
    }

    /// <summary>The last <paramref name="count"/> lines, joined, for a failure message.</summary>
    public string Tail(int count)
    {
        var from = Math.Max(0, lines.Count - count);
        return string.Join('\n', lines.Skip(from));
    }

    public void WriteTo(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var line in lines)
        {
            writer.WriteLine(line);
        }
    }

    public override string ToString() => string.Join('\n', lines);

    /// <summary>Adds a free-form line (a test step), stamped with the virtual time.</summary>
    public void Note(string text)
    {
        if (Enabled)
        {
            Add(string.Create(CultureInfo.InvariantCulture, $"t={Seconds()}s note    {text}"));
        }
    }

    internal void Packet(string what, string where, in SimEndpoint source, in SimEndpoint destination, int length, string? detail = null)
    {
        var line = detail is null
            ? string.Create(CultureInfo.InvariantCulture, $"t={Seconds()}s {what,-7} {where} {source} -> {destination} len={length}")
            : string.Create(CultureInfo.InvariantCulture, $"t={Seconds()}s {what,-7} {where} {source} -> {destination} len={length} {detail}");
        Add(line);
    }

    private string Seconds() => (clock.Ticks / (double)TimeSpan.TicksPerSecond).ToString("F6", CultureInfo.InvariantCulture);

    private void Add(string line)
    {
        if (lines.Count >= Capacity)
        {
            Omitted++;
            return;
        }

        lines.Add(line);
    }
}
