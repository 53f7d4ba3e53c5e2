using System.Globalization;
using Xunit;

namespace Weft.SystemTests.Lab;

/// <summary>
/// A stock WireGuard peer made of wireguard-go (userspace, foreground, one device) and wg
/// (wireguard-tools), set up from a wg-quick style configuration the way wg-quick would:
/// create the device, <c>wg setconf</c> the keys, add the addresses, set the MTU, bring it up and
/// route every AllowedIPs entry through it. The device name is unique to the run because
/// wireguard-go's control socket (/var/run/wireguard/NAME.sock) is shared by all namespaces.
/// </summary>
public sealed class WireGuardGoInterface
{
    private WireGuardGoInterface(string ns, string name, LabProcess process)
    {
        Namespace = ns;
        Name = name;
        Process = process;
    }

    public string Namespace { get; }

    public string Name { get; }

    public LabProcess Process { get; }

    /// <summary>Generates a private key with <c>wg genkey</c> and its public key with <c>wg pubkey</c>.</summary>
    public static async Task<(string PrivateKey, string PublicKey)> GenerateKeysAsync(NetworkLab lab)
    {
        ArgumentNullException.ThrowIfNull(lab);
        var privateKey = (await lab.MustRunAsync(new ExecRequest(null, ["wg", "genkey"]) { Quiet = true }).ConfigureAwait(false)).Stdout.Trim();
        var publicKey = (await lab.MustRunAsync(new ExecRequest(null, ["wg", "pubkey"]) { Input = privateKey + "\n" }).ConfigureAwait(false)).Stdout.Trim();
        return (privateKey, publicKey);
    }

    /// <summary>Starts wireguard-go in <paramref name="ns"/> and configures it from <paramref name="wgQuickConfig"/>.</summary>
    public static async Task<WireGuardGoInterface> StartAsync(NetworkLab lab, string ns, string wgQuickConfig)
    {
        ArgumentNullException.ThrowIfNull(lab);
        var config = WireGuardConfig.Parse(wgQuickConfig);
        var name = NetworkLab.UniqueName("g");
        var process = lab.StartProcess(ns, $"wireguard-go {name}", ["wireguard-go", "-f", name], new Dictionary<string, string> { ["LOG_LEVEL"] = "verbose" });
        var created = await Poll.UntilAsync(
            async () => (await lab.ExecAsync(new ExecRequest(ns, ["ip", "link", "show", name]) { Quiet = true }).ConfigureAwait(false)).Succeeded
                        && File.Exists($"/var/run/wireguard/{name}.sock"),
            TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        Assert.True(created, $"wireguard-go did not create {name}:\n{process.Output}");

        var directory = lab.CreateTempDirectory("wg-" + name);
        var setconfFile = Path.Combine(directory, "setconf.conf");
        await File.WriteAllTextAsync(setconfFile, config.SetconfText).ConfigureAwait(false);
        lab.Log($"wg setconf {name} with:\n{RedactKeys(config.SetconfText)}");
        await lab.MustRunAsync(ns, "wg", "setconf", name, setconfFile).ConfigureAwait(false);
        foreach (var address in config.Addresses)
        {
            await lab.MustRunAsync(ns, "ip", "address", "add", address, "dev", name).ConfigureAwait(false);
        }

        await lab.MustRunAsync(ns, "ip", "link", "set", name, "mtu", (config.Mtu ?? 1420).ToString(CultureInfo.InvariantCulture), "up").ConfigureAwait(false);
        foreach (var allowed in config.AllowedIps)
        {
            var family = allowed.Contains(':', StringComparison.Ordinal) ? "-6" : "-4";
            await lab.MustRunAsync(ns, "ip", family, "route", "replace", allowed, "dev", name).ConfigureAwait(false);
        }

        await lab.ExecAsync(ns, "wg", "show", name).ConfigureAwait(false);
        return new WireGuardGoInterface(ns, name, process);
    }

    private static string RedactKeys(string text) =>
        string.Join('\n', text.Split('\n').Select(l => l.StartsWith("PrivateKey", StringComparison.OrdinalIgnoreCase) || l.StartsWith("PresharedKey", StringComparison.OrdinalIgnoreCase) ? l[..l.IndexOf('=', StringComparison.Ordinal)] + "= (hidden)" : l));
}
