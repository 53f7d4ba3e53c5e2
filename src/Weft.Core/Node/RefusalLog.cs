namespace Weft.Core.Node;

/// <summary>
/// The last few nodes this node refused, and why: what <c>weft status</c> shows so an operator
/// sees at once that "laptop" was turned away because its certificate comes from another mesh.
/// Only refusals of well-formed, correctly signed requests are recorded (random noise is a counter,
/// not a story). Bounded: the oldest entry makes room for a new one.
/// </summary>
/// <remarks>Thread-safe: one private lock guards the entries.</remarks>
internal sealed class RefusalLog
{
    public const int Capacity = 32;

    private readonly Lock gate = new();
    private readonly List<Entry> entries = [];

    /// <summary>Records a refusal; true when this (who, reason) pair is new, i.e. worth a warning in the log.</summary>
    public bool Record(string source, string name, string nodeId, string reason, DateTimeOffset now)
    {
        lock (gate)
        {
            foreach (var entry in entries)
            {
                if (entry.NodeId == nodeId && entry.Reason == reason)
                {
                    entry.Source = source;
                    entry.Last = now;
                    entry.Count++;
                    return false;
                }
            }

            if (entries.Count == Capacity)
            {
                var oldest = 0;
                for (var i = 1; i < entries.Count; i++)
                {
                    if (entries[i].Last < entries[oldest].Last)
                    {
                        oldest = i;
                    }
                }

                entries.RemoveAt(oldest);
            }

            entries.Add(new Entry { Source = source, Name = name, NodeId = nodeId, Reason = reason, First = now, Last = now, Count = 1 });
            return true;
        }
    }

    public IReadOnlyList<RefusalStatus> Snapshot()
    {
        lock (gate)
        {
            var list = new List<RefusalStatus>(entries.Count);
            foreach (var e in entries)
            {
                list.Add(new RefusalStatus(e.Name, e.NodeId, e.Source, e.Reason, e.First, e.Last, e.Count));
            }

            return list;
        }
    }

    private sealed class Entry
    {
        public required string Source { get; set; }

        public required string Name { get; init; }

        public required string NodeId { get; init; }

        public required string Reason { get; init; }

        public DateTimeOffset First { get; init; }

        public DateTimeOffset Last { get; set; }

        public int Count { get; set; }
    }
}
