using System.Xml;
using System.Xml.Linq;

namespace Weft.Platform.PortMapping;

/// <summary>
/// Reads an IGD device description (UPnP Device Architecture §2.3) to find the WANIPConnection
/// service's control URL. The services sit nested in devices:
/// <code>
/// &lt;root xmlns="urn:schemas-upnp-org:device-1-0"&gt; &lt;URLBase&gt;? &lt;device&gt; ... &lt;deviceList&gt; &lt;device&gt; ...
///   &lt;serviceList&gt;&lt;service&gt;
///     &lt;serviceType&gt;urn:schemas-upnp-org:service:WANIPConnection:1&lt;/serviceType&gt;
///     &lt;controlURL&gt;/ctl/IPConn&lt;/controlURL&gt;        (relative to URLBase, else to the description's URL)
/// </code>
/// Parsed with LINQ to XML, DTDs refused: no reflection, AOT-safe.
/// </summary>
internal static class UpnpDeviceDescription
{
    /// <summary>The best WANIPConnection service (version 2 before 1), or null with a reason.</summary>
    public static UpnpService? TryFindWanIpConnection(string xml, Uri location, out string? error)
    {
        XDocument document;
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            document = XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            error = $"UPnP: device description at {location} is not XML ({e.Message})";
            return null;
        }

        var root = document.Root!;
        var urlBase = root.Elements().FirstOrDefault(e => e.Name.LocalName == "URLBase")?.Value.Trim();
        var baseUri = !string.IsNullOrEmpty(urlBase) && Uri.TryCreate(urlBase, UriKind.Absolute, out var b) ? b : location;
        UpnpService? best = null;
        foreach (var service in root.Descendants().Where(e => e.Name.LocalName == "service"))
        {
            var type = service.Elements().FirstOrDefault(e => e.Name.LocalName == "serviceType")?.Value.Trim();
            var control = service.Elements().FirstOrDefault(e => e.Name.LocalName == "controlURL")?.Value.Trim();
            if (type is null || control is null || !type.StartsWith("urn:schemas-upnp-org:service:WANIPConnection:", StringComparison.Ordinal))
            {
                continue;
            }

            if (!Uri.TryCreate(baseUri, control, out var controlUrl) || controlUrl.Scheme != Uri.UriSchemeHttp)
            {
                continue;
            }

            if (best is null || string.CompareOrdinal(type, best.ServiceType) > 0)
            {
                best = new UpnpService(controlUrl, type);
            }
        }

        error = best is null ? $"UPnP: {location} describes no WANIPConnection service" : null;
        return best;
    }
}
