using System.Diagnostics;
using System.Globalization;

namespace Weft.Demo;

/// <summary>
/// The small world <c>weft demo</c> plays in, built from network namespaces, veth pairs, two
/// bridges and nftables (all addresses private to the world):
/// <code>
///   "internet": bridge inet, 10.213.0.0/24
///     ├─ relay    10.213.0.10   public; certificate role relay (TLS on TCP 443 too)
///     ├─ office   10.213.0.30   public, but every UDP datagram dropped (nftables)
///     ├─ homegw   10.213.0.40   home router, masquerade
///     │    └─ bridge lan 192.168.213.1/24 ─┬─ desk 192.168.213.10   (holds the mesh CA)
///     │                                    └─ nas  192.168.213.11
///     └─ cafegw   10.213.0.20   NAT router: masquerade + stateful firewall (no unsolicited inbound)
///          └─ laptop 192.168.214.10
/// </code>
/// Namespaces are named <c>weftdemo-PID-ROLE</c>. Everything created is recorded before it is
/// created, so <see cref="DisposeAsync"/> removes it all — daemons (SIGTERM by PID, then SIGKILL),
/// namespaces (which takes their interfaces, bridges, rules and TUN devices with them), the temp
/// directory — whether the demo ended, failed half-way or was interrupted.
/// </summary>
internal sealed class DemoWorld : IAsyncDisposable
{
    public const string InternetPrefix = "10.213.0";
    public const string RelayAddress = "10.213.0.10";

    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    private readonly DemoShell shell;
    private readonly TextWriter output;
    private readonly List<string> namespaces = [];
    private readonly List<Process> processes = [];
    private int disposed;

    public DemoWorld(DemoShell shell, TextWriter output)
    {
        this.shell = shell;
        this.output = output;
        Prefix = string.Create(CultureInfo.InvariantCulture, $"weftdemo-{Environment.ProcessId}-");
        Directory = System.IO.Directory.CreateTempSubdirectory("weft-demo-").FullName;
    }

    /// <summary>Every namespace of this world starts with this.</summary>
    public string Prefix { get; }

    /// <summary>The temp directory holding every node's state, requests, bundles and logs.</summary>
    public string Directory { get; }

    public IReadOnlyList<string> Namespaces => namespaces;

    public List<DemoNode> Nodes { get; } = [];

    public string Ns(string role) => Prefix + role;

    /// <summary>Creates the namespaces, links, addresses, routes and firewalls drawn above.</summary>
    public async Task BuildAsync(CancellationToken cancellationToken)
    {
        var internet = await NamespaceAsync("internet", router: false, cancellationToken).ConfigureAwait(false);
        await IpAsync(internet, cancellationToken, "link", "add", "inet", "type", "bridge", "mcast_snooping", "0").ConfigureAwait(false);
        await IpAsync(internet, cancellationToken, "link", "set", "inet", "up").ConfigureAwait(false);

        // Public hosts: straight on the internet bridge.
        var relay = await PublicHostAsync("relay", RelayAddress, router: false, cancellationToken).ConfigureAwait(false);
        Nodes.Add(new DemoNode("relay", relay, RelayAddress, relay: true));
        var office = await PublicHostAsync("office", InternetPrefix + ".30", router: false, cancellationToken).ConfigureAwait(false);
        await NftAsync(office, DemoFirewall.BlockUdp("eth0"), cancellationToken).ConfigureAwait(false);
        Nodes.Add(new DemoNode("office", office, InternetPrefix + ".30", relay: false));

        // Home: a router with a bridged LAN and two members on it.
        var homegw = await PublicHostAsync("homegw", InternetPrefix + ".40", router: true, cancellationToken).ConfigureAwait(false);
        await IpAsync(homegw, cancellationToken, "link", "add", "lan", "type", "bridge", "mcast_snooping", "0").ConfigureAwait(false);
        await IpAsync(homegw, cancellationToken, "addr", "add", "192.168.213.1/24", "dev", "lan").ConfigureAwait(false);
        await IpAsync(homegw, cancellationToken, "link", "set", "lan", "up").ConfigureAwait(false);
        await NftAsync(homegw, DemoFirewall.HomeRouter("eth0"), cancellationToken).ConfigureAwait(false);
        foreach (var (name, address) in new[] { ("desk", "192.168.213.10"), ("nas", "192.168.213.11") })
        {
            var ns = await NamespaceAsync(name, router: false, cancellationToken).ConfigureAwait(false);
            await VethAsync(ns, "eth0", homegw, name, cancellationToken).ConfigureAwait(false);
            await IpAsync(homegw, cancellationToken, "link", "set", name, "master", "lan", "up").ConfigureAwait(false);
            await AddressAsync(ns, "eth0", address + "/24", "192.168.213.1", cancellationToken).ConfigureAwait(false);
            Nodes.Add(new DemoNode(name, ns, address, relay: false));
        }

        // Café: a NAT router with a stateful firewall, and a laptop behind it.
        var cafegw = await PublicHostAsync("cafegw", InternetPrefix + ".20", router: true, cancellationToken).ConfigureAwait(false);
        var laptop = await NamespaceAsync("laptop", router: false, cancellationToken).ConfigureAwait(false);
        await VethAsync(laptop, "eth0", cafegw, "eth1", cancellationToken).ConfigureAwait(false);
        await AddressAsync(cafegw, "eth1", "192.168.214.1/24", gateway: null, cancellationToken).ConfigureAwait(false);
        await AddressAsync(laptop, "eth0", "192.168.214.10/24", "192.168.214.1", cancellationToken).ConfigureAwait(false);
        await NftAsync(cafegw, DemoFirewall.NatRouter("eth0", "eth1"), cancellationToken).ConfigureAwait(false);
        Nodes.Add(new DemoNode("laptop", laptop, "192.168.214.10", relay: false));

        // desk first: it holds the CA.
        Nodes.Sort((a, b) => Order(a.Name).CompareTo(Order(b.Name)));
    }

    /// <summary>The world as a drawing, with namespace names.</summary>
    public string Drawing() => $$"""
        "internet" {{Ns("internet")}}: bridge inet, 10.213.0.0/24
          ├─ relay    10.213.0.10      public relay (certificate role relay: TLS on TCP 443 too)
          ├─ office   10.213.0.30      public, but every UDP datagram dropped (nftables)
          ├─ homegw   10.213.0.40      home router, masquerade
          │    └─ bridge lan 192.168.213.1/24 ─┬─ desk 192.168.213.10  (holds the mesh CA)
          │                                    └─ nas  192.168.213.11
          └─ cafegw   10.213.0.20      NAT router: masquerade + stateful firewall (no unsolicited inbound)
               └─ laptop 192.168.214.10
        """;

    /// <summary>Starts <paramref name="argv"/> in <paramref name="ns"/>, logging to <paramref name="logFile"/>; stopped on dispose.</summary>
    public Process Start(string ns, IReadOnlyList<string> argv, string logFile)
    {
        var process = DemoShell.Start(ns, argv, logFile);
        lock (processes)
        {
            processes.Add(process);
        }

        return process;
    }

    /// <summary>Stops every process (SIGTERM, then SIGKILL after a grace), deletes every namespace and the temp directory. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        output.WriteLine();
        output.WriteLine("== cleaning up");
        List<Process> running;
        lock (processes)
        {
            running = [.. processes];
        }

        foreach (var process in running)
        {
            if (!process.HasExited)
            {
                _ = Interop.Kill(process.Id, Interop.SIGTERM);
            }
        }

        foreach (var process in running)
        {
            using var grace = new CancellationTokenSource(StopGrace);
            try
            {
                await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                output.WriteLine($"   pid {process.Id} ignored SIGTERM for {StopGrace.TotalSeconds:0} s: SIGKILL");
                process.Kill();
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }

            output.WriteLine($"   stopped pid {process.Id}");
            process.Dispose();
        }

        for (var i = namespaces.Count - 1; i >= 0; i--)
        {
            var (code, _, error) = await shell.TryRunAsync(null, ["ip", "netns", "del", namespaces[i]], CancellationToken.None).ConfigureAwait(false);
            if (code != 0 && File.Exists("/run/netns/" + namespaces[i]))
            {
                output.WriteLine($"   could not delete namespace {namespaces[i]}: {error.Trim()}");
            }
        }

        output.WriteLine($"   deleted {namespaces.Count} namespaces ({Prefix}*)");
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
            output.WriteLine($"   deleted {Directory}");
        }
        catch (IOException e)
        {
            output.WriteLine($"   could not delete {Directory}: {e.Message}");
        }
    }

    private static int Order(string name) => name switch
    {
        "desk" => 0,
        "nas" => 1,
        "laptop" => 2,
        "office" => 3,
        _ => 4,
    };

    /// <summary>A namespace with loopback up, no duplicate address detection (addresses usable at once), forwarding if a router.</summary>
    private async Task<string> NamespaceAsync(string role, bool router, CancellationToken cancellationToken)
    {
        var ns = Ns(role);
        namespaces.Add(ns); // recorded first: a half-made namespace is still deleted
        await shell.RunAsync(null, ["ip", "netns", "add", ns], cancellationToken).ConfigureAwait(false);
        var sysctl = "echo 0 > /proc/sys/net/ipv6/conf/all/accept_dad && echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad"
            + (router ? " && echo 1 > /proc/sys/net/ipv4/ip_forward" : "");
        await shell.RunAsync(ns, ["sh", "-c", sysctl], cancellationToken).ConfigureAwait(false);
        await IpAsync(ns, cancellationToken, "link", "set", "lo", "up").ConfigureAwait(false);
        return ns;
    }

    /// <summary>A namespace whose eth0 is a port of the internet bridge, with <paramref name="address"/>/24.</summary>
    private async Task<string> PublicHostAsync(string role, string address, bool router, CancellationToken cancellationToken)
    {
        var ns = await NamespaceAsync(role, router, cancellationToken).ConfigureAwait(false);
        var internet = Ns("internet");
        await VethAsync(ns, "eth0", internet, role, cancellationToken).ConfigureAwait(false);
        await IpAsync(internet, cancellationToken, "link", "set", role, "master", "inet", "up").ConfigureAwait(false);
        await AddressAsync(ns, "eth0", address + "/24", gateway: null, cancellationToken).ConfigureAwait(false);
        return ns;
    }

    private Task VethAsync(string nsA, string ifA, string nsB, string ifB, CancellationToken cancellationToken) =>
        shell.RunAsync(null, ["ip", "link", "add", ifA, "netns", nsA, "type", "veth", "peer", "name", ifB, "netns", nsB], cancellationToken);

    private async Task AddressAsync(string ns, string device, string cidr, string? gateway, CancellationToken cancellationToken)
    {
        await IpAsync(ns, cancellationToken, "addr", "add", cidr, "dev", device).ConfigureAwait(false);
        await IpAsync(ns, cancellationToken, "link", "set", device, "up").ConfigureAwait(false);
        if (gateway is not null)
        {
            await IpAsync(ns, cancellationToken, "route", "add", "default", "via", gateway).ConfigureAwait(false);
        }
    }

    private Task IpAsync(string ns, CancellationToken cancellationToken, params string[] arguments) =>
        shell.RunAsync(null, ["ip", "-n", ns, .. arguments], cancellationToken);

    private async Task NftAsync(string ns, string rules, CancellationToken cancellationToken)
    {
        var file = Path.Combine(Directory, ns + ".nft");
        await File.WriteAllTextAsync(file, rules + "\n", cancellationToken).ConfigureAwait(false);
        await shell.RunAsync(ns, ["nft", "-f", file], cancellationToken).ConfigureAwait(false);
    }
}
