using Weft.Core.Net;

namespace Weft.Core.Tests.Node;

/// <summary>A TUN device that keeps a copy of every packet written to it (or only counts them, for allocation tests).</summary>
internal sealed class CapturingTun : ITunWriter
{
    private readonly Lock gate = new();
    private readonly List<byte[]> packets = [];
    private long written;

    /// <summary>When false, packets are only counted, not copied (nothing allocates).</summary>
    public bool Keep { get; set; } = true;

    public long Written => Interlocked.Read(ref written);

    public IReadOnlyList<byte[]> Packets
    {
        get
        {
            lock (gate)
            {
                return [.. packets];
            }
        }
    }

    public void Write(ReadOnlySpan<byte> ipPacket)
    {
        Interlocked.Increment(ref written);
        if (Keep)
        {
            lock (gate)
            {
                packets.Add(ipPacket.ToArray());
            }
        }
    }

    public void Clear()
    {
        lock (gate)
        {
            packets.Clear();
        }
    }
}
