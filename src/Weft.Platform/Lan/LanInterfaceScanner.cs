using System.Net.NetworkInformation;
using Weft.Platform.Internal;

namespace Weft.Platform.Lan;

/// <summary>
/// Lists the interfaces a LAN beacon can use: up (or of unknown state, like a bridge without
/// carrier detection), multicast-capable, not loopback, with an IPv6 link-local address (the
/// beacon's source, and where hellos come back to).
/// </summary>
internal static class LanInterfaceScanner
{
    public static List<LanInterface> Scan()
    {
        var found = new List<LanInterface>();
        UpInterfaces.ForEach(nic =>
        {
            if (!nic.SupportsMulticast || !nic.Supports(NetworkInterfaceComponent.IPv6))
            {
                return;
            }

            var properties = nic.GetIPProperties();
            var linkLocal = false;
            foreach (var unicast in properties.UnicastAddresses)
            {
                linkLocal |= unicast.Address.IsIPv6LinkLocal;
            }

            if (linkLocal)
            {
                found.Add(new LanInterface(nic.Name, properties.GetIPv6Properties().Index));
            }
        });
        return found;
    }
}
