using System.Globalization;
using System.Net;

namespace Weft.Platform.PortMapping;

/// <summary>
/// Finds the IPv4 default gateway in /proc/net/route: the up (0x1) gateway (0x2) route with
/// destination and mask 0, lowest metric first. Addresses are printed as the 32-bit value as it sits
/// in memory, so on a little-endian host 192.168.1.1 reads 0101A8C0.
/// <code>
/// Iface  Destination  Gateway   Flags  RefCnt  Use  Metric  Mask      MTU  Window  IRTT
/// eth0   00000000     0101A8C0  0003   0       0    100     00000000  0    0       0
/// </code>
/// </summary>
internal static class DefaultGateway
{
    public const string RouteTable = "/proc/net/route";

    public static IPAddress? Find()
    {
        try
        {
            return Parse(File.ReadAllText(RouteTable));
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static IPAddress? Parse(string table)
    {
        IPAddress? best = null;
        var bestMetric = long.MaxValue;
        foreach (var line in table.Split('\n').Skip(1))
        {
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 8
                || !uint.TryParse(fields[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var destination)
                || !uint.TryParse(fields[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var gateway)
                || !uint.TryParse(fields[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var flags)
                || !long.TryParse(fields[6], NumberStyles.Integer, CultureInfo.InvariantCulture, out var metric)
                || !uint.TryParse(fields[7], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var mask))
            {
                continue;
            }

            if (destination == 0 && mask == 0 && (flags & 0x3) == 0x3 && gateway != 0 && metric < bestMetric)
            {
                best = new IPAddress(BitConverter.GetBytes(gateway));
                bestMetric = metric;
            }
        }

        return best;
    }
}
