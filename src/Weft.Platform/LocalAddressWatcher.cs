using System.Collections.ObjectModel;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

using Weft.Platform.Internal;

namespace Weft.Platform;

/// <summary>
/// This host's usable unicast addresses, for NAT traversal's "local" candidates: the addresses of interfaces
/// that are up, except the node's own TUN device, loopback, link-local (IPv4 169.254/16 and IPv6 fe80::/10),
/// multicast and unspecified ones, and anything inside the overlay's prefixes. Cached: <see cref="Current"/> is
/// one volatile read, cheap enough for the tick and message threads. Rescanned every
/// <see cref="RefreshInterval"/> on a timer; when the set changes (after the first scan) the change callback runs.
/// </summary>
/// <remarks>
/// <code>
///  timer (0 s, then every 5 s) ─► Refresh ─► scan interfaces ─► Select (filter, sort, dedupe)
///                                            └─ differs from Current? swap it in; not the first scan? onChanged(new set)
/// </code>
/// Locking: <see cref="gate"/> serialises refreshes (the timer and a caller's explicit <see cref="Refresh"/>);
/// <see cref="current"/> is replaced whole, never mutated, so readers need no lock.
/// </remarks>
public sealed class LocalAddressWatcher : IDisposable
{
    /// <summary>How often the interfaces are rescanned.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);

    private static readonly ReadOnlyCollection<IPAddress> None = new([]);

    private readonly string? excludeInterface;
    private readonly IReadOnlyList<IPNetwork> overlay;
    private readonly Func<List<(string Interface, IPAddress Address)>> scan;
    private readonly Action<IReadOnlyList<IPAddress>>? onChanged;
    private readonly Lock gate = new();
    private ITimer? timer;
    private volatile ReadOnlyCollection<IPAddress> current = None;
    private bool scanned; // guarded by gate
    private long refreshes;

    /// <summary>
    /// A watcher that skips interface <paramref name="excludeInterface"/> (the TUN device) and addresses inside
    /// <paramref name="overlayPrefixes"/>; <paramref name="onChanged"/> runs on the timer's thread after a
    /// later scan finds a different set (not after the first scan).
    /// </summary>
    public LocalAddressWatcher(string? excludeInterface, IReadOnlyList<IPNetwork> overlayPrefixes, Action<IReadOnlyList<IPAddress>>? onChanged)
        : this(excludeInterface, overlayPrefixes, onChanged, ScanInterfaces)
    {
    }

    internal LocalAddressWatcher(string? excludeInterface, IReadOnlyList<IPNetwork> overlayPrefixes, Action<IReadOnlyList<IPAddress>>? onChanged,
                                 Func<List<(string Interface, IPAddress Address)>> scan)
    {
        ArgumentNullException.ThrowIfNull(overlayPrefixes);
        this.excludeInterface = excludeInterface;
        overlay = overlayPrefixes;
        this.onChanged = onChanged;
        this.scan = scan;
    }

    /// <summary>The addresses found by the last scan, sorted (IPv4 first); empty before the first one.</summary>
    public IReadOnlyList<IPAddress> Current => current;

    /// <summary>Scans done so far.</summary>
    public long Refreshes => Interlocked.Read(ref refreshes);

    /// <summary>Starts the timer: the first scan at once (in the background), then every <see cref="RefreshInterval"/>.</summary>
    public void Start(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        lock (gate)
        {
            if (timer is not null)
            {
                throw new InvalidOperationException("the watcher is already started");
            }

            timer = time.CreateTimer(_ => Refresh(), null, TimeSpan.Zero, RefreshInterval);
        }
    }

    /// <summary>Rescans now; true when the set changed. The callback runs only for changes after the first scan.</summary>
    public bool Refresh()
    {
        IReadOnlyList<IPAddress> changed;
        lock (gate)
        {
            var fresh = Select(scan(), excludeInterface, overlay);
            Interlocked.Increment(ref refreshes);
            var first = !scanned;
            scanned = true;
            if (fresh.SequenceEqual(current))
            {
                return false;
            }

            current = fresh.Count == 0 ? None : new ReadOnlyCollection<IPAddress>(fresh);
            if (first)
            {
                return true;
            }

            changed = current;
        }

        onChanged?.Invoke(changed);
        return true;
    }

    public void Dispose()
    {
        lock (gate)
        {
            timer?.Dispose();
            timer = null;
        }
    }

    /// <summary>The usable addresses among <paramref name="found"/> (interface, address) pairs, sorted and distinct.</summary>
    internal static List<IPAddress> Select(List<(string Interface, IPAddress Address)> found, string? excludeInterface, IReadOnlyList<IPNetwork> overlay)
    {
        var usable = new List<IPAddress>();
        foreach (var (name, raw) in found)
        {
            var address = raw.IsIPv4MappedToIPv6 ? raw.MapToIPv4() : raw;
            if (string.Equals(name, excludeInterface, StringComparison.Ordinal) || !IsUsable(address) || InOverlay(address, overlay))
            {
                continue;
            }

            // Scope ids belong to link-local addresses, which are gone by now; compare and keep plain addresses.
            if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0)
            {
                address = new IPAddress(address.GetAddressBytes());
            }

            if (!usable.Contains(address))
            {
                usable.Add(address);
            }
        }

        usable.Sort(Compare);
        return usable;
    }

    private static bool IsUsable(IPAddress address)
    {
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> bytes = stackalloc byte[4];
            address.TryWriteBytes(bytes, out _);
            return !(bytes[0] == 169 && bytes[1] == 254) // link-local
                && bytes[0] < 224;                       // multicast, reserved, broadcast
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6 && !address.IsIPv6LinkLocal && !address.IsIPv6Multicast;
    }

    private static bool InOverlay(IPAddress address, IReadOnlyList<IPNetwork> overlay)
    {
        foreach (var prefix in overlay)
        {
            if (prefix.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>IPv4 before IPv6, then by bytes: a stable order, so equal sets compare equal.</summary>
    private static int Compare(IPAddress a, IPAddress b)
    {
        if (a.AddressFamily != b.AddressFamily)
        {
            return a.AddressFamily == AddressFamily.InterNetwork ? -1 : 1;
        }

        Span<byte> x = stackalloc byte[16];
        Span<byte> y = stackalloc byte[16];
        a.TryWriteBytes(x, out var n);
        b.TryWriteBytes(y, out _);
        return x[..n].SequenceCompareTo(y[..n]);
    }

    /// <summary>(interface name, address) for every unicast address of every interface that is up (or of unknown state).</summary>
    private static List<(string Interface, IPAddress Address)> ScanInterfaces()
    {
        var found = new List<(string, IPAddress)>();
        UpInterfaces.ForEach(nic =>
        {
            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
            {
                found.Add((nic.Name, unicast.Address));
            }
        });
        return found;
    }
}
