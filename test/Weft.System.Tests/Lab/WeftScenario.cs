using System.Globalization;
using Xunit;

namespace Weft.SystemTests.Lab;

/// <summary>
/// The steps of the issue-2 user story, as building blocks for the system tests:
/// <code>
/// A: weft init --mesh home --name home --ipv4 100.90.0.0/16 --domain weft   (CA + node A)
/// A: weft up &amp;
/// B: weft join --request > b.req
/// A: weft sign --name laptop --groups home,ssh b.req > b.bundle
/// B: weft join --cert b.bundle
/// B: weft up --peer A:51820 &amp;
/// </code>
/// </summary>
public static class WeftScenario
{
    public const int Port = 51820;

    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary><c>weft init</c>: a new mesh whose CA and first node live in <paramref name="ns"/>.</summary>
    public static async Task<WeftNode> InitMeshAsync(NetworkLab lab, string ns, string label, string mesh = "home", string name = "home", string ipv4 = "100.90.0.0/16")
    {
        ArgumentNullException.ThrowIfNull(lab);
        lab.Log($"{label}: creates mesh '{mesh}' ({ipv4}) and becomes its first node '{name}'");
        var node = new WeftNode(lab, ns, label);
        await node.MustRunAsync("init", "--mesh", mesh, "--name", name, "--ipv4", ipv4, "--domain", "weft").ConfigureAwait(false);
        return node;
    }

    /// <summary>
    /// A new node in <paramref name="ns"/> asks to join, <paramref name="ca"/> signs its request (with
    /// <paramref name="extraSignOptions"/>, e.g. a validity), and the new node installs the bundle.
    /// </summary>
    public static async Task<WeftNode> JoinAsync(NetworkLab lab, string ns, string label, WeftNode ca, string name, params string[] extraSignOptions)
    {
        ArgumentNullException.ThrowIfNull(lab);
        ArgumentNullException.ThrowIfNull(ca);
        lab.Log($"{label}: asks to join the mesh of {ca.Label} as '{name}'");
        var node = new WeftNode(lab, ns, label);
        var exchange = lab.CreateTempDirectory("exchange-" + label);
        var request = await node.MustRunAsync("join", "--request").ConfigureAwait(false);
        var requestFile = Path.Combine(exchange, "join.req");
        await File.WriteAllTextAsync(requestFile, request.Stdout).ConfigureAwait(false);

        lab.Log($"{ca.Label}: signs the request of {label}");
        var bundle = await ca.MustRunAsync(["sign", "--name", name, "--groups", "home,ssh", .. extraSignOptions, requestFile]).ConfigureAwait(false);
        var bundleFile = Path.Combine(exchange, "join.bundle");
        await File.WriteAllTextAsync(bundleFile, bundle.Stdout).ConfigureAwait(false);
        await lab.ExecAsync(ns, [.. WeftBinary.Command, "cert", "show", bundleFile]).ConfigureAwait(false);

        lab.Log($"{label}: installs its certificate bundle");
        await node.MustRunAsync("join", "--cert", bundleFile).ConfigureAwait(false);
        return node;
    }

    /// <summary>
    /// The whole story up to "both see each other": two namespaces on a veth link, A creates the mesh
    /// and comes up, B joins and comes up with A as its static peer, and both list the other as a
    /// verified peer with a handshake.
    /// </summary>
    public static async Task<TwoMembers> StartTwoMembersAsync(NetworkLab lab)
    {
        ArgumentNullException.ThrowIfNull(lab);
        var nsA = await lab.CreateNamespaceAsync("A").ConfigureAwait(false);
        var nsB = await lab.CreateNamespaceAsync("B").ConfigureAwait(false);
        var link = await lab.ConnectAsync(nsA, nsB).ConfigureAwait(false);

        var a = await InitMeshAsync(lab, nsA, "A").ConfigureAwait(false);
        await a.UpAsync().ConfigureAwait(false);
        var b = await JoinAsync(lab, nsB, "B", a, "laptop").ConfigureAwait(false);
        await b.UpAsync("--peer", Endpoint(link.Ipv4A)).ConfigureAwait(false);

        var peerOfA = await a.WaitForConnectedPeerAsync(ConnectTimeout).ConfigureAwait(false);
        var peerOfB = await b.WaitForConnectedPeerAsync(ConnectTimeout).ConfigureAwait(false);
        var statusA = await a.StatusAsync().ConfigureAwait(false);
        var statusB = await b.StatusAsync().ConfigureAwait(false);
        Assert.False(string.IsNullOrEmpty(statusA.Ipv4Address), $"A has no IPv4 in its status:\n{statusA.Json}");
        Assert.False(string.IsNullOrEmpty(statusA.Ipv6Address), $"A has no IPv6 in its status:\n{statusA.Json}");
        Assert.False(string.IsNullOrEmpty(statusB.Ipv4Address), $"B has no IPv4 in its status:\n{statusB.Json}");
        Assert.False(string.IsNullOrEmpty(statusB.Ipv6Address), $"B has no IPv6 in its status:\n{statusB.Json}");
        lab.Log($"A sees '{peerOfA.Name}' at {peerOfA.Endpoint}; B sees '{peerOfB.Name}' at {peerOfB.Endpoint}");
        return new TwoMembers(link, a, b, statusA.Ipv4Address!, statusA.Ipv6Address!, statusB.Ipv4Address!, statusB.Ipv6Address!);
    }

    /// <summary>"10.213.1.1:51820" (IPv6 in brackets).</summary>
    public static string Endpoint(System.Net.IPAddress address, int port = Port)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? string.Create(CultureInfo.InvariantCulture, $"[{address}]:{port}")
            : string.Create(CultureInfo.InvariantCulture, $"{address}:{port}");
    }

    /// <summary>Pings until one reply comes back (the tunnel is usable) or the deadline passes.</summary>
    public static Task<bool> WaitForPingAsync(NetworkLab lab, string ns, string address, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(lab);
        lab.Log($"[{ns}] waiting until {address} answers ping (at most {timeout.TotalSeconds:F0}s)");
        return Poll.UntilAsync(
            async () => (await lab.ExecAsync(new ExecRequest(ns, ["ping", "-c", "1", "-W", "1", address]) { Quiet = true, Timeout = TimeSpan.FromSeconds(5) }).ConfigureAwait(false)).Succeeded,
            timeout);
    }

    /// <summary>Pings <paramref name="count"/> times and fails the test unless every reply comes back.</summary>
    public static async Task<ExecResult> MustPingAsync(NetworkLab lab, string ns, string address, int count = 3)
    {
        ArgumentNullException.ThrowIfNull(lab);
        Assert.True(await WaitForPingAsync(lab, ns, address, TimeSpan.FromSeconds(20)).ConfigureAwait(false), $"[{ns}] {address} never answered ping");
        var result = await lab.ExecAsync(ns, TimeSpan.FromSeconds(count + 15), "ping", "-c", count.ToString(CultureInfo.InvariantCulture), "-i", "0.2", "-W", "2", address).ConfigureAwait(false);
        Assert.True(result.Succeeded, $"ping {address} from {ns} lost replies: {result}");
        Assert.Contains($" 0% packet loss", result.Stdout, StringComparison.Ordinal);
        return result;
    }
}
