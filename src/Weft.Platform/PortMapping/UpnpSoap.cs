using System.Xml;
using System.Xml.Linq;

namespace Weft.Platform.PortMapping;

/// <summary>
/// SOAP 1.1 envelopes for WANIPConnection actions (UPnP IGD), built and read with LINQ to XML.
/// <code>
/// POST /ctl/IPConn HTTP/1.1
/// SOAPAction: "urn:schemas-upnp-org:service:WANIPConnection:1#AddPortMapping"
/// Content-Type: text/xml; charset="utf-8"
///
/// &lt;s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"&gt;
///  &lt;s:Body&gt;&lt;u:AddPortMapping xmlns:u="urn:...:WANIPConnection:1"&gt;&lt;NewExternalPort&gt;41641&lt;/NewExternalPort&gt;...
/// </code>
/// A failure comes back as HTTP 500 with s:Fault/detail/UPnPError/{errorCode, errorDescription}.
/// </summary>
internal static class UpnpSoap
{
    private static readonly XNamespace Envelope = "http://schemas.xmlsoap.org/soap/envelope/";
    private const string Encoding = "http://schemas.xmlsoap.org/soap/encoding/";

    /// <summary>UPnP error 718: the external port is taken by another client.</summary>
    public const int ConflictInMappingEntry = 718;

    /// <summary>UPnP error 725: the router accepts only lease duration 0 (permanent).</summary>
    public const int OnlyPermanentLeasesSupported = 725;

    public static string SoapAction(string serviceType, string action) => $"\"{serviceType}#{action}\"";

    public static string EncodeRequest(string serviceType, string action, params (string Name, string Value)[] arguments)
    {
        XNamespace u = serviceType;
        var call = new XElement(u + action, new XAttribute(XNamespace.Xmlns + "u", serviceType));
        foreach (var (name, value) in arguments)
        {
            call.Add(new XElement(name, value));
        }

        var document = new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement(Envelope + "Envelope",
                new XAttribute(XNamespace.Xmlns + "s", Envelope.NamespaceName),
                new XAttribute(Envelope + "encodingStyle", Encoding),
                new XElement(Envelope + "Body", call)));
        return document.Declaration + document.ToString(SaveOptions.DisableFormatting);
    }

    public static (string Name, string Value)[] AddPortMapping(int externalPort, int internalPort, string internalClient, string description, uint leaseSeconds) =>
    [
        ("NewRemoteHost", ""),
        ("NewExternalPort", externalPort.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("NewProtocol", "UDP"),
        ("NewInternalPort", internalPort.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("NewInternalClient", internalClient),
        ("NewEnabled", "1"),
        ("NewPortMappingDescription", description),
        ("NewLeaseDuration", leaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];

    public static (string Name, string Value)[] DeletePortMapping(int externalPort) =>
    [
        ("NewRemoteHost", ""),
        ("NewExternalPort", externalPort.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("NewProtocol", "UDP"),
    ];

    /// <summary>
    /// Reads an action's response: the output arguments by name, or null with the fault's code
    /// (-1 when there is none) and a reason.
    /// </summary>
    public static Dictionary<string, string>? TryDecodeResponse(string xml, string action, out int errorCode, out string? error)
    {
        errorCode = -1;
        XDocument document;
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            document = XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            error = $"UPnP {action}: response is not XML ({e.Message})";
            return null;
        }

        var body = document.Root?.Elements().FirstOrDefault(e => e.Name.LocalName == "Body");
        if (body is null)
        {
            error = $"UPnP {action}: response has no SOAP body";
            return null;
        }

        var fault = body.Elements().FirstOrDefault(e => e.Name.LocalName == "Fault");
        if (fault is not null)
        {
            var upnpError = fault.Descendants().FirstOrDefault(e => e.Name.LocalName == "UPnPError");
            var code = upnpError?.Elements().FirstOrDefault(e => e.Name.LocalName == "errorCode")?.Value.Trim();
            var description = upnpError?.Elements().FirstOrDefault(e => e.Name.LocalName == "errorDescription")?.Value.Trim();
            if (int.TryParse(code, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
            {
                errorCode = parsed;
            }

            error = $"UPnP {action}: error {code ?? "?"} {description ?? fault.Value.Trim()}".TrimEnd();
            return null;
        }

        var response = body.Elements().FirstOrDefault(e => e.Name.LocalName == action + "Response");
        if (response is null)
        {
            error = $"UPnP {action}: response has no {action}Response element";
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var argument in response.Elements())
        {
            values[argument.Name.LocalName] = argument.Value.Trim();
        }

        error = null;
        return values;
    }
}
