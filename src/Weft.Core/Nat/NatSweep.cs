using System.Net;
using Weft.Core.Net;

namespace Weft.Core.Nat;

/// <summary>
/// The hard-NAT sweep: a small datagram (a <see cref="NatProbe"/>) with IP TTL <see cref="Ttl"/> to every port
/// <see cref="FirstPort"/>–<see cref="LastPort"/> of the endpoint-dependent peer's reflexive IPv4 address(es). It opens our
/// own NAT's filter (and a carrier-grade NAT's) for whatever port the peer's NAT picks toward us, and dies before the
/// peer's router. Then the peer's probes get through.
/// </summary>
/// <remarks>
/// Bounds: at most <see cref="MaxAddresses"/> addresses and <see cref="MaxPackets"/> packets in all (with two
/// addresses the ports are interleaved, so each gets the low half of the range); sent in batches of
/// <see cref="PacketsPerBatch"/> every <see cref="BatchInterval"/> on a <see cref="TimeProvider"/> timer — never
/// on the thread that received the request — so a full sweep takes about 3.3 s. The timer is one-shot and re-armed
/// after each batch, so batches never overlap. <see cref="Cancel"/> stops it; the completion callback then never runs.
/// </remarks>
internal sealed class NatSweep
{
    public const int FirstPort = 1024;
    public const int LastPort = 65535;
    public const int PortsPerAddress = LastPort - FirstPort + 1;
    public const int MaxAddresses = 2;
    public const int MaxPackets = 65536;
    public const int PacketsPerBatch = 2000;
    public const int Ttl = 3;
    public static readonly TimeSpan BatchInterval = TimeSpan.FromMilliseconds(100);

    private readonly IDatagramTransport transport;
    private readonly IPAddress[] targets;
    private readonly byte[] probe = new byte[NatProbe.Size];
    private readonly Action<NatSweep> completed;
    private readonly Action<int> sent;
    private readonly Lock gate = new();
    private readonly ITimer timer;
    private int next;
    private bool stopped;

    /// <summary>Prepares a sweep of <paramref name="addresses"/> (the first <see cref="MaxAddresses"/>); <see cref="Start"/> runs it.</summary>
    public NatSweep(IDatagramTransport transport, TimeProvider time, IReadOnlyList<IPAddress> addresses, ReadOnlySpan<byte> token,
                    Action<int> sent, Action<NatSweep> completed)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        ArgumentNullException.ThrowIfNull(time);
        this.transport = transport;
        this.sent = sent;
        this.completed = completed;
        targets = [.. addresses.Take(MaxAddresses)];
        Total = TotalPackets(targets.Length);
        NatProbe.Write(probe, token);
        timer = time.CreateTimer(static state => ((NatSweep)state!).Batch(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Packets this sweep sends in all.</summary>
    public int Total { get; }

    /// <summary>Packets sent so far.</summary>
    public int Sent
    {
        get
        {
            lock (gate)
            {
                return next;
            }
        }
    }

    /// <summary>Packets a sweep of <paramref name="addresses"/> addresses sends: every port of each, capped at <see cref="MaxPackets"/>.</summary>
    public static int TotalPackets(int addresses) => Math.Min(Math.Clamp(addresses, 0, MaxAddresses) * PortsPerAddress, MaxPackets);

    /// <summary>How long a sweep of <paramref name="packets"/> packets takes at the paced rate (batches after the first).</summary>
    public static TimeSpan Duration(int packets) => BatchInterval * Math.Max(0, ((packets + PacketsPerBatch - 1) / PacketsPerBatch) - 1);

    /// <summary>The destination of packet <paramref name="index"/> (ports interleaved across the addresses).</summary>
    public static (int Address, int Port) Target(int index, int addresses) => (index % addresses, FirstPort + (index / addresses));

    /// <summary>Sends the first batch now (on the timer) and the rest paced.</summary>
    public void Start() => timer.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan);

    /// <summary>Stops the sweep; the completion callback will not run.</summary>
    public void Cancel()
    {
        lock (gate)
        {
            stopped = true;
        }

        timer.Dispose();
    }

    private void Batch()
    {
        int from;
        int to;
        lock (gate)
        {
            if (stopped)
            {
                return;
            }

            from = next;
            to = Math.Min(Total, from + PacketsPerBatch);
            next = to;
        }

        var destination = new IPEndPoint(IPAddress.Any, 0);
        for (var i = from; i < to; i++)
        {
            var (address, port) = Target(i, targets.Length);
            destination.Address = targets[address];
            destination.Port = port;
            transport.SendWithTtl(probe, destination, Ttl);
        }

        sent(to - from);
        bool done;
        lock (gate)
        {
            if (stopped)
            {
                return;
            }

            done = to >= Total;
            stopped = done;
            if (!done)
            {
                timer.Change(BatchInterval, Timeout.InfiniteTimeSpan);
            }
        }

        if (done)
        {
            timer.Dispose();
            completed(this);
        }
    }
}
