namespace Weft.SystemTests.Lab;

/// <summary>
/// A wg-quick style configuration split in two: the keys <c>wg setconf</c> accepts
/// (PrivateKey, ListenPort, FwMark; PublicKey, PresharedKey, AllowedIPs, Endpoint,
/// PersistentKeepalive) and the wg-quick extras that must be applied by hand (Address, MTU, and
/// the routes implied by AllowedIPs). DNS, Table, Pre/PostUp and the like are ignored.
/// </summary>
public sealed class WireGuardConfig
{
    private static readonly string[] InterfaceKeys = ["PrivateKey", "ListenPort", "FwMark"];
    private static readonly string[] PeerKeys = ["PublicKey", "PresharedKey", "AllowedIPs", "Endpoint", "PersistentKeepalive"];

    private WireGuardConfig(string setconf, IReadOnlyList<string> addresses, int? mtu, IReadOnlyList<string> allowedIps)
    {
        SetconfText = setconf;
        Addresses = addresses;
        Mtu = mtu;
        AllowedIps = allowedIps;
    }

    /// <summary>The text for <c>wg setconf</c>.</summary>
    public string SetconfText { get; }

    /// <summary>Address = lines, e.g. "100.90.0.3/32".</summary>
    public IReadOnlyList<string> Addresses { get; }

    public int? Mtu { get; }

    /// <summary>Every AllowedIPs entry of every peer (wg-quick routes them through the interface).</summary>
    public IReadOnlyList<string> AllowedIps { get; }

    public static WireGuardConfig Parse(string wgQuickText)
    {
        ArgumentNullException.ThrowIfNull(wgQuickText);
        var setconf = new System.Text.StringBuilder();
        var addresses = new List<string>();
        var allowed = new List<string>();
        int? mtu = null;
        var section = "";
        foreach (var raw in wgQuickText.Split('\n'))
        {
            var line = raw.Trim();
            var hash = line.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0)
            {
                line = line[..hash].Trim();
            }

            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                section = line[1..^1].Trim();
                setconf.Append('\n').Append(line).Append('\n');
                continue;
            }

            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            var key = line[..eq].Trim();
            var value = line[(eq + 1)..].Trim();
            var values = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (section.Equals("Interface", StringComparison.OrdinalIgnoreCase))
            {
                if (key.Equals("Address", StringComparison.OrdinalIgnoreCase))
                {
                    addresses.AddRange(values);
                }
                else if (key.Equals("MTU", StringComparison.OrdinalIgnoreCase))
                {
                    mtu = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                }
                else if (InterfaceKeys.Contains(key, StringComparer.OrdinalIgnoreCase))
                {
                    setconf.Append(key).Append(" = ").Append(value).Append('\n');
                }
            }
            else if (section.Equals("Peer", StringComparison.OrdinalIgnoreCase) && PeerKeys.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                setconf.Append(key).Append(" = ").Append(value).Append('\n');
                if (key.Equals("AllowedIPs", StringComparison.OrdinalIgnoreCase))
                {
                    allowed.AddRange(values);
                }
            }
        }

        return new WireGuardConfig(setconf.ToString().TrimStart('\n'), addresses, mtu, allowed);
    }
}
