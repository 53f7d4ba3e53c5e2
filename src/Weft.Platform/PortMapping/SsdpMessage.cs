using System.Text;

namespace Weft.Platform.PortMapping;

/// <summary>
/// SSDP (UPnP Device Architecture §1.3) search: an M-SEARCH request multicast to 239.255.255.250:1900
/// and the unicast HTTP-over-UDP answers, of which we need only the LOCATION header.
/// <code>
/// M-SEARCH * HTTP/1.1\r\n                     HTTP/1.1 200 OK\r\n
/// HOST: 239.255.255.250:1900\r\n              ST: urn:schemas-upnp-org:service:WANIPConnection:1\r\n
/// MAN: "ssdp:discover"\r\n                    LOCATION: http://192.168.1.1:5000/rootDesc.xml\r\n
/// MX: 1\r\n                                   ...\r\n
/// ST: urn:schemas-upnp-org:service:WANIPConnection:1\r\n   \r\n
/// \r\n
/// </code>
/// </summary>
internal static class SsdpMessage
{
    public const string MulticastAddress = "239.255.255.250";
    public const int Port = 1900;

    public static readonly string[] SearchTargets =
    [
        "urn:schemas-upnp-org:service:WANIPConnection:2",
        "urn:schemas-upnp-org:service:WANIPConnection:1",
    ];

    public static byte[] EncodeSearch(string searchTarget, int maxWaitSeconds) => Encoding.ASCII.GetBytes(
        "M-SEARCH * HTTP/1.1\r\n" +
        $"HOST: {MulticastAddress}:{Port}\r\n" +
        "MAN: \"ssdp:discover\"\r\n" +
        $"MX: {maxWaitSeconds}\r\n" +
        $"ST: {searchTarget}\r\n" +
        "\r\n");

    /// <summary>The absolute http LOCATION of a 200 answer, or null for anything else.</summary>
    public static Uri? TryDecodeLocation(ReadOnlySpan<byte> response)
    {
        string text;
        try
        {
            text = Encoding.ASCII.GetString(response);
        }
        catch (ArgumentException)
        {
            return null;
        }

        var lines = text.Split('\n');
        if (lines.Length == 0 || !lines[0].StartsWith("HTTP/1.", StringComparison.Ordinal) || !lines[0].Contains(" 200", StringComparison.Ordinal))
        {
            return null;
        }

        foreach (var raw in lines.AsSpan(1))
        {
            var line = raw.TrimEnd('\r');
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.AsSpan(0, colon).Trim().Equals("LOCATION", StringComparison.OrdinalIgnoreCase))
            {
                return Uri.TryCreate(line[(colon + 1)..].Trim(), UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp ? uri : null;
            }
        }

        return null;
    }
}
