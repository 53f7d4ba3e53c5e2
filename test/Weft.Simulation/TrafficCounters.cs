using System.Globalization;
using System.Text;

namespace Weft.Simulation;

/// <summary>
/// Datagram counters for one host, one segment, or the whole network: sent, delivered, forwarded,
/// and dropped by <see cref="DropReason"/>. Read them in assertions; print <see cref="ToString"/> on failure.
/// </summary>
public sealed class TrafficCounters
{
    private static readonly DropReason[] Reasons = Enum.GetValues<DropReason>();
    private readonly long[] dropped = new long[Reasons.Length];

    /// <summary>Datagrams handed to the network by sockets (host) or put on the wire (segment).</summary>
    public long Sent { get; private set; }

    /// <summary>Datagrams handed to a socket's handler (host) or that reached the far end of a link (segment).</summary>
    public long Delivered { get; private set; }

    /// <summary>Datagrams a router passed on (after translation, if any).</summary>
    public long Forwarded { get; private set; }

    /// <summary>Extra copies made by <see cref="LinkProfile.DuplicateProbability"/>.</summary>
    public long Duplicated { get; private set; }

    /// <summary>Datagrams held back by <see cref="LinkProfile.ReorderProbability"/>.</summary>
    public long Reordered { get; private set; }

    /// <summary>Payload bytes handed to sockets' handlers (host) or that reached the far end of a link (segment).</summary>
    public long DeliveredBytes { get; private set; }

    public long Dropped(DropReason reason) => dropped[(int)reason];

    public long DroppedTotal
    {
        get
        {
            long sum = 0;
            foreach (var d in dropped)
            {
                sum += d;
            }

            return sum;
        }
    }

    internal void CountSent() => Sent++;

    internal void CountDelivered(int bytes)
    {
        Delivered++;
        DeliveredBytes += bytes;
    }

    internal void CountForwarded() => Forwarded++;

    internal void CountDuplicated() => Duplicated++;

    internal void CountReordered() => Reordered++;

    internal void CountDrop(DropReason reason) => dropped[(int)reason]++;

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"sent={Sent} delivered={Delivered} forwarded={Forwarded}");
        if (Duplicated > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" duplicated={Duplicated}");
        }

        if (Reordered > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" reordered={Reordered}");
        }

        foreach (var reason in Reasons)
        {
            if (dropped[(int)reason] > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $" dropped[{reason}]={dropped[(int)reason]}");
            }
        }

        return text.ToString();
    }
}
