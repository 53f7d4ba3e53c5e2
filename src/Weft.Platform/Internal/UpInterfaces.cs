using System.Net.NetworkInformation;

namespace Weft.Platform.Internal;

/// <summary>
/// The interfaces that can carry traffic now: not loopback, and up (or of unknown state, like a bridge without carrier
/// detection). Shared by the local address watcher and the LAN beacon's interface scan.
/// </summary>
internal static class UpInterfaces
{
    /// <summary>
    /// Calls <paramref name="visit"/> for each such interface. An interface that goes away while it is looked at
    /// (NetworkInformationException, in this filter or in <paramref name="visit"/>) is skipped; a failed listing
    /// visits nothing.
    /// </summary>
    public static void ForEach(Action<NetworkInterface> visit)
    {
        NetworkInterface[] all;
        try
        {
            all = NetworkInterface.GetAllNetworkInterfaces();
        }
        catch (NetworkInformationException)
        {
            return;
        }

        foreach (var nic in all)
        {
            try
            {
                if (nic.NetworkInterfaceType != NetworkInterfaceType.Loopback
                    && nic.OperationalStatus is OperationalStatus.Up or OperationalStatus.Unknown)
                {
                    visit(nic);
                }
            }
            catch (NetworkInformationException)
            {
                // The interface went away while we looked at it.
            }
        }
    }
}
