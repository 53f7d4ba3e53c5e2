using System.Net;
using System.Text.Json;
using Weft.Core.Identity;
using Weft.State;
using Xunit;

namespace Weft.Cli.Tests;

/// <summary>
/// The offline membership story, machine A (CA) and machine B as two state directories:
/// init on A, join --request on B, sign on A, join --cert on B.
/// </summary>
public class MembershipTests
{
    private readonly CliRunner cli = new(hostName: "Machine-A.example.org");

    [Fact]
    public void Init_join_sign_join_round_trip()
    {
        using var a = new TempDirectory();
        using var b = new TempDirectory();

        // A: a new mesh; the node is named after the host unless --name says otherwise.
        var init = cli.Run("init", "--mesh", "home", "--ipv4", "100.90.0.0/16", "--domain", "weft", "--state", a.Path);
        Assert.True(init.ExitCode == 0, init.ToString());
        Assert.Contains("this node is machine-a: 100.90.0.1/16", init.Out, StringComparison.Ordinal);
        var stateA = new StateLayout(a.Path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(stateA.CaKey));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(stateA.NodeKeys));
        var certA = NodeFiles.LoadCertificate(stateA);
        var ca = NodeFiles.LoadCa(stateA);
        Assert.Equal("machine-a", certA.Name);
        Assert.Equal(CertificateError.None, new TrustStore([ca]).Verify(certA, DateTimeOffset.UtcNow));

        // A second init on the same state refuses.
        var again = cli.Run("init", "--mesh", "other", "--state", a.Path);
        Assert.Equal(1, again.ExitCode);
        Assert.StartsWith($"weft: {stateA.Directory} already holds a node", again.Error, StringComparison.Ordinal);

        // B: keys and a request.
        var request = cli.Run("join", "--request", "--state", b.Path);
        Assert.True(request.ExitCode == 0, request.ToString());
        Assert.Contains("-----BEGIN WEFT JOIN REQUEST-----", request.Out, StringComparison.Ordinal);
        var requestFile = b.Combine("b.req");
        File.WriteAllText(requestFile, request.Out);

        // Asking again reuses the same keys.
        var request2 = cli.Run("join", "--request", "--state", b.Path);
        Assert.True(JoinRequest.TryParse(request.Out, out var r1, out _));
        Assert.True(JoinRequest.TryParse(request2.Out, out var r2, out _));
        Assert.Equal(r1!.NodeId, r2!.NodeId);

        // A: sign it.
        var sign = cli.Run("sign", "--name", "laptop", "--groups", "home,ssh", requestFile, "--state", a.Path);
        Assert.True(sign.ExitCode == 0, sign.ToString());
        Assert.Contains("signed laptop: 100.90.0.2/16", sign.Error, StringComparison.Ordinal);
        Assert.True(CertificateBundle.TryParse(sign.Out, out var bundle, out var error), error);
        Assert.Equal(["home", "ssh"], bundle!.Node.Groups);

        // B: install it (from stdin).
        var join = cli.RunWithInput(sign.Out, "join", "--cert", "-", "--state", b.Path);
        Assert.True(join.ExitCode == 0, join.ToString());
        Assert.Contains("joined mesh \"home\" as laptop: 100.90.0.2/16", join.Out, StringComparison.Ordinal);
        var stateB = new StateLayout(b.Path);
        var certB = NodeFiles.LoadCertificate(stateB);
        Assert.Equal(IPAddress.Parse("100.90.0.2"), certB.Ipv4[0].Address);
        Assert.Equal(ca.Id, NodeFiles.LoadCa(stateB).Id);
        Assert.False(File.Exists(stateB.CaKey), "the CA key never leaves A");

        // cert show on B describes its own certificate and says the CA accepts it.
        var show = cli.Run("cert", "show", "--state", b.Path);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("laptop", show.Out, StringComparison.Ordinal);
        Assert.Contains("verdict: valid member of mesh \"home\"", show.Out, StringComparison.Ordinal);

        // cert show FILE recognises a request and a bundle.
        var showRequest = cli.Run("cert", "show", requestFile);
        Assert.True(showRequest.ExitCode == 0, showRequest.ToString());
        Assert.Contains("join request", showRequest.Out, StringComparison.OrdinalIgnoreCase);
        var showBundle = cli.RunWithInput(sign.Out, "cert", "show", "-");
        Assert.True(showBundle.ExitCode == 0, showBundle.ToString());
        Assert.Contains("laptop", showBundle.Out, StringComparison.Ordinal);
        Assert.Contains("home", showBundle.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Sign_picks_sequential_free_addresses_and_keeps_a_renewal_on_its_address()
    {
        using var a = new TempDirectory();
        Assert.Equal(0, cli.Run("init", "--mesh", "m", "--name", "ca", "--ipv4", "10.7.0.0/24", "--state", a.Path).ExitCode);

        var addresses = new List<string>();
        var requests = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var node = new TempDirectory();
            var request = cli.Run("join", "--request", "--name", $"n{i}", "--state", node.Path);
            requests.Add(request.Out);
            var sign = cli.RunWithInput(request.Out, "sign", "-", "--state", a.Path);
            Assert.True(sign.ExitCode == 0, sign.ToString());
            Assert.True(CertificateBundle.TryParse(sign.Out, out var bundle, out _));
            Assert.Equal($"n{i}", bundle!.Node.Name);
            addresses.Add(bundle.Node.Ipv4[0].ToString());
        }

        Assert.Equal(["10.7.0.2/24", "10.7.0.3/24", "10.7.0.4/24"], addresses);

        // Signing the same node again (a renewal) keeps its address.
        var renewal = cli.RunWithInput(requests[1], "sign", "-", "--state", a.Path);
        Assert.True(CertificateBundle.TryParse(renewal.Out, out var renewed, out _));
        Assert.Equal("10.7.0.3/24", renewed!.Node.Ipv4[0].ToString());

        // Another node cannot take a name or an address that is already issued.
        using var other = new TempDirectory();
        var otherRequest = cli.Run("join", "--request", "--name", "x", "--state", other.Path).Out;
        var nameClash = cli.RunWithInput(otherRequest, "sign", "--name", "n0", "-", "--state", a.Path);
        Assert.Equal(1, nameClash.ExitCode);
        Assert.Contains("the name \"n0\" is already issued to another node", nameClash.Error, StringComparison.Ordinal);
        var addressClash = cli.RunWithInput(otherRequest, "sign", "--ipv4", "10.7.0.3", "-", "--state", a.Path);
        Assert.Equal(1, addressClash.ExitCode);
        Assert.Equal("weft: --ipv4 10.7.0.3 is already issued to \"n1\"\n", addressClash.Error);
        var outside = cli.RunWithInput(otherRequest, "sign", "--ipv4", "10.8.0.3", "-", "--state", a.Path);
        Assert.Equal("weft: --ipv4 10.8.0.3 is outside the mesh range 10.7.0.0/24\n", outside.Error);

        // An explicit free address is used.
        var explicitAddress = cli.RunWithInput(otherRequest, "sign", "--ipv4", "10.7.0.200", "-", "--state", a.Path);
        Assert.True(CertificateBundle.TryParse(explicitAddress.Out, out var explicitBundle, out _), explicitAddress.ToString());
        Assert.Equal("10.7.0.200/24", explicitBundle!.Node.Ipv4[0].ToString());
    }

    [Fact]
    public void Join_refuses_a_bundle_for_other_keys_and_sign_needs_the_ca()
    {
        using var a = new TempDirectory();
        using var b = new TempDirectory();
        using var c = new TempDirectory();
        Assert.Equal(0, cli.Run("init", "--mesh", "m", "--state", a.Path).ExitCode);
        var requestB = cli.Run("join", "--request", "--name", "b", "--state", b.Path).Out;
        Assert.Equal(0, cli.Run("join", "--request", "--state", c.Path).ExitCode);
        var bundleForB = cli.RunWithInput(requestB, "sign", "-", "--state", a.Path).Out;

        var wrong = cli.RunWithInput(bundleForB, "join", "--cert", "-", "--state", c.Path);
        Assert.Equal(1, wrong.ExitCode);
        Assert.StartsWith("weft: this certificate is for another node", wrong.Error, StringComparison.Ordinal);

        var noCa = cli.RunWithInput(requestB, "sign", "-", "--state", c.Path);
        Assert.Equal(1, noCa.ExitCode);
        Assert.StartsWith("weft: no CA key in", noCa.Error, StringComparison.Ordinal);

        var garbage = cli.RunWithInput("hello", "join", "--cert", "-", "--state", b.Path);
        Assert.Equal(1, garbage.ExitCode);
        Assert.StartsWith("weft: standard input is not a certificate bundle", garbage.Error, StringComparison.Ordinal);

        var missingFile = cli.Run("sign", b.Combine("nope.req"), "--state", a.Path);
        Assert.Equal(1, missingFile.ExitCode);
        Assert.StartsWith("weft: cannot read ", missingFile.Error, StringComparison.Ordinal);

        using var empty = new TempDirectory();
        var notInitialised = cli.Run("cert", "show", "--state", empty.Path);
        Assert.Equal(1, notInitialised.ExitCode);
        Assert.Contains("run 'weft init' or 'weft join' first", notInitialised.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Join_needs_exactly_one_of_request_or_cert()
    {
        var neither = cli.Run("join");
        Assert.Equal(2, neither.ExitCode);
        Assert.Contains("exactly one of --request or --cert", neither.Error, StringComparison.Ordinal);
        var both = cli.Run("join", "--request", "--cert", "x");
        Assert.Equal(2, both.ExitCode);
    }

    [Fact]
    public void Wireguard_add_prints_a_wg_quick_config_and_persists_the_peer()
    {
        using var a = new TempDirectory();
        Assert.Equal(0, cli.Run("init", "--mesh", "home", "--name", "gw", "--ipv4", "100.90.0.0/16", "--state", a.Path).ExitCode);
        var state = new StateLayout(a.Path);
        var keys = NodeFiles.LoadKeys(state);
        var ca = NodeFiles.LoadCa(state);

        var add = cli.Run("wireguard", "add", "phone", "--state", a.Path);
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Contains("weft is not running; the peer is loaded at the next 'weft up'", add.Error, StringComparison.Ordinal);

        var config = ParseIni(add.Out);
        var privateKey = Convert.FromBase64String(config["Interface.PrivateKey"]);
        Assert.Equal(32, privateKey.Length);
        var clientPublic = NodeKeys.FromPrivateKeys(privateKey, new byte[32]).SessionPublicKey;
        var expectedIpv6 = Ipv6Derivation.NodeAddress(ca.Ipv6Prefix, clientPublic);
        Assert.Equal($"100.90.0.2/32, {expectedIpv6}/128", config["Interface.Address"]);
        Assert.Equal("1420", config["Interface.MTU"]);
        Assert.Equal(Convert.ToBase64String(keys.SessionPublicKey), config["Peer.PublicKey"]);
        Assert.Equal("Machine-A.example.org:51820", config["Peer.Endpoint"]);
        Assert.Equal($"100.90.0.0/16, {ca.Ipv6Prefix}", config["Peer.AllowedIPs"]);
        Assert.Equal("25", config["Peer.PersistentKeepalive"]);

        // Saved: public key and addresses, never the private key.
        var saved = File.ReadAllText(state.WireGuardPeers);
        Assert.DoesNotContain(config["Interface.PrivateKey"], saved, StringComparison.Ordinal);
        var store = WireGuardPeerStore.Load(state.WireGuardPeers);
        var peer = Assert.Single(store.Peers);
        Assert.Equal(new WireGuardPeerRecord("phone", Convert.ToBase64String(clientPublic), "100.90.0.2", expectedIpv6.ToString(), peer.Added), peer);
        using (var json = JsonDocument.Parse(saved))
        {
            Assert.Equal("phone", json.RootElement.GetProperty("peers")[0].GetProperty("name").GetString());
        }

        // The next one gets the next address; the registry knows both; names are unique.
        var second = cli.Run("wireguard", "add", "router", "--endpoint", "vpn.example.org:4000", "--state", a.Path);
        var secondConfig = ParseIni(second.Out);
        Assert.StartsWith("100.90.0.3/32, ", secondConfig["Interface.Address"], StringComparison.Ordinal);
        Assert.Equal("vpn.example.org:4000", secondConfig["Peer.Endpoint"]);
        Assert.Equal(2, WireGuardPeerStore.Load(state.WireGuardPeers).Peers.Count);
        var duplicate = cli.Run("wireguard", "add", "phone", "--state", a.Path);
        Assert.Equal(1, duplicate.ExitCode);
        Assert.Contains("already exists", duplicate.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Wireguard_add_on_a_node_without_the_ca_needs_a_free_ipv4_in_the_range()
    {
        using var a = new TempDirectory();
        using var b = new TempDirectory();
        Assert.Equal(0, cli.Run("init", "--mesh", "home", "--ipv4", "100.90.0.0/16", "--state", a.Path).ExitCode);
        var request = cli.Run("join", "--request", "--name", "b", "--state", b.Path).Out;
        var bundle = cli.RunWithInput(request, "sign", "-", "--state", a.Path).Out;
        Assert.Equal(0, cli.RunWithInput(bundle, "join", "--cert", "-", "--state", b.Path).ExitCode);
        File.WriteAllText(new StateLayout(b.Path).Config, """{ "listenPort": 4444, "mtu": 1380 }""");

        var missing = cli.Run("wireguard", "add", "phone", "--state", b.Path);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("give the client's address with --ipv4 ADDR", missing.Error, StringComparison.Ordinal);

        var outside = cli.Run("wireguard", "add", "phone", "--ipv4", "10.0.0.5", "--state", b.Path);
        Assert.Equal("weft: --ipv4 10.0.0.5 is outside the mesh range 100.90.0.0/16\n", outside.Error);

        var own = cli.Run("wireguard", "add", "phone", "--ipv4", "100.90.0.2", "--state", b.Path);
        Assert.Equal("weft: --ipv4 100.90.0.2 is this node's own address\n", own.Error);

        var ok = cli.Run("wireguard", "add", "phone", "--ipv4", "100.90.9.9", "--state", b.Path);
        Assert.True(ok.ExitCode == 0, ok.ToString());
        var config = ParseIni(ok.Out);
        Assert.StartsWith("100.90.9.9/32, ", config["Interface.Address"], StringComparison.Ordinal);
        Assert.Equal("Machine-A.example.org:4444", config["Peer.Endpoint"]);
        Assert.Equal("1380", config["Interface.MTU"]);

        var taken = cli.Run("wireguard", "add", "tablet", "--ipv4", "100.90.9.9", "--state", b.Path);
        Assert.Equal("weft: --ipv4 100.90.9.9 is already used by WireGuard peer \"phone\"\n", taken.Error);
    }

    /// <summary>"Section.Key" → value for a wg-quick file (comments skipped).</summary>
    private static Dictionary<string, string> ParseIni(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var section = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith('['))
            {
                section = line.Trim('[', ']');
                continue;
            }

            var eq = line.IndexOf('=', StringComparison.Ordinal);
            Assert.True(eq > 0, $"not key = value: {line}");
            values.Add($"{section}.{line[..eq].Trim()}", line[(eq + 1)..].Trim());
        }

        return values;
    }
}
