using System.Net.NetworkInformation;

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
        NetworkInterface[] all;
        try
        {
            all = NetworkInterface.GetAllNetworkInterfaces();
        }
        catch (NetworkInformationException)
        {
            return found;
        }

        foreach (var nic in all)
        {
            try
            {
                if (nic.NetworkInterfaceType == NetworkInterfaceType.Loopback
                    || nic.OperationalStatus is not (OperationalStatus.Up or OperationalStatus.Unknown)
                    || !nic.SupportsMulticast
                    || !nic.Supports(NetworkInterfaceComponent.IPv6))
                {
                    continue;
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
            }
            catch (NetworkInformationException)
            {
                // The interface went away while we looked at it.
            }
        }

        return found;
    }
}
