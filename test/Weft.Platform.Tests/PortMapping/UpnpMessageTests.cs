using System.Net;
using System.Text;
using System.Xml.Linq;
using Weft.Platform.PortMapping;
using Xunit;

namespace Weft.Platform.Tests.PortMapping;

/// <summary>SSDP search, IGD device description and SOAP envelopes: built and read without a router.</summary>
public sealed class UpnpMessageTests
{
    private const string Description = """
        <?xml version="1.0"?>
        <root xmlns="urn:schemas-upnp-org:device-1-0">
          <specVersion><major>1</major><minor>0</minor></specVersion>
          <device>
            <deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>
            <serviceList>
              <service><serviceType>urn:schemas-upnp-org:service:Layer3Forwarding:1</serviceType><controlURL>/ctl/L3F</controlURL></service>
            </serviceList>
            <deviceList>
              <device>
                <deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType>
                <deviceList>
                  <device>
                    <deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType>
                    <serviceList>
                      <service>
                        <serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType>
                        <controlURL>/ctl/IPConn</controlURL>
                      </service>
                    </serviceList>
                  </device>
                </deviceList>
              </device>
            </deviceList>
          </device>
        </root>
        """;

    [Fact]
    public void M_search_for_WANIPConnection()
    {
        var text = Encoding.ASCII.GetString(SsdpMessage.EncodeSearch("urn:schemas-upnp-org:service:WANIPConnection:1", 2));
        Assert.Equal("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 2\r\nST: urn:schemas-upnp-org:service:WANIPConnection:1\r\n\r\n", text);
    }

    [Fact]
    public void Search_answer_location_is_read_case_insensitively()
    {
        var answer = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: urn:schemas-upnp-org:service:WANIPConnection:1\r\nlocation: http://192.168.213.1:5000/rootDesc.xml\r\n\r\n");
        Assert.Equal(new Uri("http://192.168.213.1:5000/rootDesc.xml"), SsdpMessage.TryDecodeLocation(answer));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage\r\n\r\n")]
    [InlineData("NOTIFY * HTTP/1.1\r\nLOCATION: http://192.168.213.1:5000/rootDesc.xml\r\n\r\n")]
    [InlineData("HTTP/1.1 404 Not Found\r\nLOCATION: http://192.168.213.1:5000/rootDesc.xml\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nST: x\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nLOCATION: file:///etc/passwd\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nLOCATION: not a url\r\n\r\n")]
    public void Other_answers_have_no_location(string text)
    {
        Assert.Null(SsdpMessage.TryDecodeLocation(Encoding.ASCII.GetBytes(text)));
    }

    [Fact]
    public void Device_description_yields_the_nested_WANIPConnection_control_url()
    {
        var service = UpnpDeviceDescription.TryFindWanIpConnection(Description, new Uri("http://192.168.213.1:5000/rootDesc.xml"), out var error);
        Assert.Null(error);
        Assert.Equal(new UpnpService(new Uri("http://192.168.213.1:5000/ctl/IPConn"), "urn:schemas-upnp-org:service:WANIPConnection:1"), service);
    }

    [Fact]
    public void Device_description_prefers_URLBase_and_version_2()
    {
        var xml = Description
            .Replace("<specVersion>", "<URLBase>http://192.168.213.1:6000/</URLBase><specVersion>", StringComparison.Ordinal)
            .Replace("<controlURL>/ctl/IPConn</controlURL>", "<controlURL>/ctl/IPConn</controlURL></service><service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:2</serviceType><controlURL>ctl/IP2</controlURL>", StringComparison.Ordinal);
        var service = UpnpDeviceDescription.TryFindWanIpConnection(xml, new Uri("http://192.168.213.1:5000/rootDesc.xml"), out var error);
        Assert.Null(error);
        Assert.Equal(new UpnpService(new Uri("http://192.168.213.1:6000/ctl/IP2"), "urn:schemas-upnp-org:service:WANIPConnection:2"), service);
    }

    [Theory]
    [InlineData("<root/>", "describes no WANIPConnection")]
    [InlineData("<root><device>", "is not XML")]
    [InlineData("not xml at all", "is not XML")]
    [InlineData("<!DOCTYPE root [<!ENTITY x \"y\">]><root>&x;</root>", "is not XML")]
    public void Device_descriptions_without_the_service_are_errors(string xml, string expected)
    {
        Assert.Null(UpnpDeviceDescription.TryFindWanIpConnection(xml, new Uri("http://192.168.213.1:5000/rootDesc.xml"), out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void AddPortMapping_envelope()
    {
        const string type = "urn:schemas-upnp-org:service:WANIPConnection:1";
        var xml = UpnpSoap.EncodeRequest(type, "AddPortMapping", UpnpSoap.AddPortMapping(41641, 41641, "192.168.213.2", "weft", 7200));
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body><u:AddPortMapping xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:1\">", xml, StringComparison.Ordinal);
        Assert.Contains("<NewRemoteHost></NewRemoteHost><NewExternalPort>41641</NewExternalPort><NewProtocol>UDP</NewProtocol><NewInternalPort>41641</NewInternalPort><NewInternalClient>192.168.213.2</NewInternalClient><NewEnabled>1</NewEnabled><NewPortMappingDescription>weft</NewPortMappingDescription><NewLeaseDuration>7200</NewLeaseDuration></u:AddPortMapping></s:Body></s:Envelope>", xml, StringComparison.Ordinal);
        Assert.Equal("\"urn:schemas-upnp-org:service:WANIPConnection:1#AddPortMapping\"", UpnpSoap.SoapAction(type, "AddPortMapping"));
        XDocument.Parse(xml);
    }

    [Fact]
    public void Action_response_values_are_read()
    {
        const string xml = """
            <?xml version="1.0"?>
            <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>
            <u:GetExternalIPAddressResponse xmlns:u="urn:schemas-upnp-org:service:WANIPConnection:1"><NewExternalIPAddress>203.0.113.5</NewExternalIPAddress></u:GetExternalIPAddressResponse>
            </s:Body></s:Envelope>
            """;
        var values = UpnpSoap.TryDecodeResponse(xml, "GetExternalIPAddress", out var code, out var error);
        Assert.Null(error);
        Assert.Equal(-1, code);
        Assert.Equal("203.0.113.5", values!["NewExternalIPAddress"]);
    }

    [Fact]
    public void Fault_yields_the_UPnP_error_code()
    {
        const string xml = """
            <?xml version="1.0"?>
            <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>
            <faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring>
            <detail><UPnPError xmlns="urn:schemas-upnp-org:control-1-0"><errorCode>718</errorCode><errorDescription>ConflictInMappingEntry</errorDescription></UPnPError></detail>
            </s:Fault></s:Body></s:Envelope>
            """;
        Assert.Null(UpnpSoap.TryDecodeResponse(xml, "AddPortMapping", out var code, out var error));
        Assert.Equal(UpnpSoap.ConflictInMappingEntry, code);
        Assert.Equal("UPnP AddPortMapping: error 718 ConflictInMappingEntry", error);
    }

    [Theory]
    [InlineData("", "not XML")]
    [InlineData("<html>busy</html>", "no SOAP body")]
    [InlineData("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body/></s:Envelope>", "no AddPortMappingResponse")]
    public void Garbage_responses_are_errors(string xml, string expected)
    {
        Assert.Null(UpnpSoap.TryDecodeResponse(xml, "AddPortMapping", out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_gateway_is_the_lowest_metric_up_gateway_route()
    {
        const string table = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n" +
            "eth1\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n" +
            "eth0\t0001A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n" +
            "eth0\t00000000\t01D5A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n" +
            "eth2\t00000000\t0102A8C0\t0002\t0\t0\t1\t00000000\t0\t0\t0\n";
        Assert.Equal(BitConverter.IsLittleEndian ? IPAddress.Parse("192.168.213.1") : IPAddress.Parse("1.213.168.192"), DefaultGateway.Parse(table));
        Assert.Null(DefaultGateway.Parse("Iface\tDestination\n"));
        Assert.Null(DefaultGateway.Parse("garbage"));
    }
}
