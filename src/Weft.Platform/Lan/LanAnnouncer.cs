using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Weft.Core.Net;

namespace Weft.Platform.Lan;

/// <summary>
/// Sends the node's LAN beacons: to the IPv6 link-local multicast group <c>ff02::5745:4654</c>
/// ("WEFT") out of every usable interface, from the node's own UDP socket (so hellos and
/// handshakes come back to its port), and joins the group on those interfaces so the beacons of
/// other nodes arrive through the socket's normal receive loop.
/// </summary>
/// <remarks>
/// <code>
///  MeshNode.Tick ─► Announce(beacon) ─┬─ interface list older than RescanInterval? ─► Rescan
///                                     │     (join the group on new interfaces, forget gone ones)
///                                     └─ for each interface, for each port: UdpTransport.SendMulticast
/// </code>
/// The beacon goes to the node's own port and, when that differs, to the default port 51820 as
/// well: a node on an unusual port still reaches default nodes (which then say hello to it).
/// Interfaces can be limited by name (config <c>lanInterfaces</c>); the node's own TUN device is
/// always skipped. Rescanning lets a LAN that comes back (or a new veth) be joined without a restart.
/// Locking: <see cref="gate"/> guards the interface list and the rescan time; sends happen outside it.
/// </remarks>
public sealed class LanAnnouncer : ILanAnnouncer
{
    /// <summary>The beacon group: ff02::5745:4654 ("WE" "FT"), link-local scope.</summary>
    public static readonly IPAddress Group = IPAddress.Parse("ff02::5745:4654");

    /// <summary>The default UDP port of a node, where beacons are also sent.</summary>
    public const int DefaultPort = 51820;

    /// <summary>How often the interface list is refreshed (on the next announcement after it).</summary>
    public static readonly TimeSpan RescanInterval = TimeSpan.FromSeconds(5);

    private readonly UdpTransport transport;
    private readonly HashSet<string>? only;
    private readonly string? exclude;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Func<List<LanInterface>> scan;
    private readonly int[] ports;
    private readonly Lock gate = new();

    // ---- guarded by gate ----
    private LanInterface[] current = [];
    private long nextRescan;
    private bool warnedNone;

    private long beaconsSent;

    /// <summary>
    /// An announcer on <paramref name="transport"/>'s socket. <paramref name="interfaces"/> limits it to
    /// those interface names (null or empty: every usable one); <paramref name="excludeInterface"/>
    /// (the node's TUN device) is never used.
    /// </summary>
    public LanAnnouncer(UdpTransport transport, IReadOnlyList<string>? interfaces, string? excludeInterface,
                        TimeProvider time, ILogger? logger = null)
        : this(transport, interfaces, excludeInterface, time, logger, LanInterfaceScanner.Scan)
    {
    }

    internal LanAnnouncer(UdpTransport transport, IReadOnlyList<string>? interfaces, string? excludeInterface,
                          TimeProvider time, ILogger? logger, Func<List<LanInterface>> scan)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(time);
        this.transport = transport;
        only = interfaces is { Count: > 0 } ? new HashSet<string>(interfaces, StringComparer.Ordinal) : null;
        exclude = excludeInterface;
        this.time = time;
        this.logger = logger ?? NullLogger.Instance;
        this.scan = scan;
        ports = transport.LocalPort == DefaultPort ? [DefaultPort] : [transport.LocalPort, DefaultPort];
    }

    /// <summary>The interfaces beacons go out of now (joined to the group).</summary>
    public IReadOnlyList<LanInterface> Interfaces
    {
        get
        {
            lock (gate)
            {
                return current;
            }
        }
    }

    /// <summary>Beacon datagrams handed to the socket (one per interface and port).</summary>
    public long BeaconsSent => Interlocked.Read(ref beaconsSent);

    /// <summary>Sends <paramref name="beacon"/> out of every usable interface, rescanning them first when due.</summary>
    public void Announce(ReadOnlySpan<byte> beacon)
    {
        LanInterface[] targets;
        bool due;
        lock (gate)
        {
            due = time.GetTimestamp() >= nextRescan;
        }

        if (due)
        {
            Rescan();
        }

        lock (gate)
        {
            targets = current;
        }

        foreach (var target in targets)
        {
            foreach (var port in ports)
            {
                transport.SendMulticast(beacon, Group, port, target.Index);
                Interlocked.Increment(ref beaconsSent);
            }
        }
    }

    /// <summary>Looks at the interfaces again: joins the group on new usable ones and forgets those gone.</summary>
    public void Rescan()
    {
        var found = scan();
        lock (gate)
        {
            nextRescan = time.GetTimestamp() + (long)(RescanInterval.TotalSeconds * time.TimestampFrequency);
            var next = new List<LanInterface>(found.Count);
            foreach (var candidate in found)
            {
                if ((only is not null && !only.Contains(candidate.Name)) || string.Equals(candidate.Name, exclude, StringComparison.Ordinal))
                {
                    continue;
                }

                if (Array.IndexOf(current, candidate) >= 0)
                {
                    next.Add(candidate);
                }
                else if (transport.JoinMulticastGroup(Group, candidate.Index))
                {
                    next.Add(candidate);
                    LanLog.Joined(logger, candidate, Group.ToString(), string.Join(", ", ports));
                }
                else
                {
                    LanLog.JoinFailed(logger, candidate);
                }
            }

            foreach (var old in current)
            {
                if (!next.Contains(old))
                {
                    LanLog.Left(logger, old);
                }
            }

            if (next.Count == 0 && !warnedNone)
            {
                LanLog.NoInterface(logger, only is null ? "" : $", named {string.Join(" or ", only)}");
            }

            warnedNone = next.Count == 0;
            current = [.. next];
        }
    }
}
