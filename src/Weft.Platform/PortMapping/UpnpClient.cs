using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Weft.Platform.PortMapping;

/// <summary>
/// UPnP IGD port mapping: SSDP search on the LAN for a WANIPConnection service (bounded wait), its
/// device description over HTTP, then SOAP GetExternalIPAddress, AddPortMapping and DeletePortMapping
/// on the control URL. Only answers from the gateway itself are used.
/// </summary>
internal sealed class UpnpClient : IDisposable
{
    private readonly HttpClient http;
    private readonly TimeSpan searchWait;
    private readonly TimeProvider time;

    public UpnpClient(TimeSpan searchWait, TimeSpan httpTimeout, TimeProvider time)
    {
        http = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = httpTimeout };
        this.searchWait = searchWait;
        this.time = time;
    }

    /// <summary>Finds the gateway's WANIPConnection service, or null with a reason.</summary>
    public async Task<(UpnpService? Service, string? Error)> DiscoverAsync(IPAddress gateway, IPAddress localAddress, CancellationToken cancellationToken)
    {
        var locations = new List<Uri>();
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            try
            {
                socket.Bind(new IPEndPoint(localAddress, 0));
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, localAddress.GetAddressBytes());
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 2);
                var group = new IPEndPoint(IPAddress.Parse(SsdpMessage.MulticastAddress), SsdpMessage.Port);
                var maxWait = Math.Max(1, (int)searchWait.TotalSeconds);
                foreach (var target in SsdpMessage.SearchTargets)
                {
                    await socket.SendToAsync(SsdpMessage.EncodeSearch(target, maxWait), SocketFlags.None, group, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (SocketException e)
            {
                return (null, $"UPnP: SSDP search from {localAddress} failed: {e.SocketErrorCode}");
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(searchWait);
            var buffer = new byte[2048];
            while (locations.Count < 4)
            {
                SocketReceiveFromResult received;
                try
                {
                    received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    break;
                }
                catch (SocketException)
                {
                    continue;
                }

                var from = ((IPEndPoint)received.RemoteEndPoint).Address;
                var location = SsdpMessage.TryDecodeLocation(buffer.AsSpan(0, received.ReceivedBytes));
                if (from.Equals(gateway) && location is not null && !locations.Contains(location))
                {
                    locations.Add(location);
                    // The gateway answered; a second target's answer would name the same description.
                    timeout.CancelAfter(TimeSpan.FromMilliseconds(200));
                }
            }
        }

        if (locations.Count == 0)
        {
            return (null, $"UPnP: no IGD found (no SSDP answer from {gateway} within {searchWait.TotalSeconds:0.##} s)");
        }

        string? lastError = null;
        foreach (var location in locations)
        {
            string xml;
            try
            {
                xml = await http.GetStringAsync(location, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                lastError = $"UPnP: cannot fetch {location}: {e.Message}";
                continue;
            }

            var service = UpnpDeviceDescription.TryFindWanIpConnection(xml, location, out lastError);
            if (service is not null)
            {
                return (service, null);
            }
        }

        return (null, lastError);
    }

    public async Task<PortMapResult> MapAsync(IPAddress gateway, IPAddress localAddress, int internalPort, int suggestedExternalPort, TimeSpan lifetime,
        UpnpService? known, CancellationToken cancellationToken)
    {
        var service = known;
        if (service is null)
        {
            (service, var discoverError) = await DiscoverAsync(gateway, localAddress, cancellationToken).ConfigureAwait(false);
            if (service is null)
            {
                return PortMapResult.Fail(discoverError!);
            }
        }

        var (values, _, error) = await CallAsync(service, "GetExternalIPAddress", [], cancellationToken).ConfigureAwait(false);
        if (values is null)
        {
            return PortMapResult.Fail(error!);
        }

        if (!values.TryGetValue("NewExternalIPAddress", out var text) || !IPAddress.TryParse(text, out var external))
        {
            return PortMapResult.Fail($"UPnP: GetExternalIPAddress returned no address ('{text}')");
        }

        var lease = NatPmpClient.Seconds(lifetime);
        var externalPort = suggestedExternalPort > 0 ? suggestedExternalPort : internalPort;
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var arguments = UpnpSoap.AddPortMapping(externalPort, internalPort, localAddress.ToString(), "weft", lease);
            (values, var code, error) = await CallAsync(service, "AddPortMapping", arguments, cancellationToken).ConfigureAwait(false);
            if (values is not null)
            {
                var granted = lease == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(lease);
                var expires = lease == 0 ? DateTimeOffset.MaxValue : time.GetUtcNow() + granted;
                return PortMapResult.Ok(new PortMapping(PortMapProtocol.Upnp, gateway, localAddress, internalPort, external, externalPort, granted, expires)
                { Upnp = service });
            }

            if (code == UpnpSoap.OnlyPermanentLeasesSupported && lease != 0)
            {
                lease = 0;
            }
            else if (code == UpnpSoap.ConflictInMappingEntry)
            {
                externalPort = 1024 + Random.Shared.Next(64511);
            }
            else
            {
                break;
            }
        }

        return PortMapResult.Fail(error!);
    }

    /// <summary>Deletes the mapping; null on success, else the reason.</summary>
    public async Task<string?> DeleteAsync(PortMapping mapping, CancellationToken cancellationToken)
    {
        var (values, _, error) = await CallAsync(mapping.Upnp!, "DeletePortMapping", UpnpSoap.DeletePortMapping(mapping.ExternalPort), cancellationToken).ConfigureAwait(false);
        return values is null ? error : null;
    }

    private async Task<(Dictionary<string, string>? Values, int Code, string? Error)> CallAsync(UpnpService service, string action,
        (string Name, string Value)[] arguments, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, service.ControlUrl)
        {
            Content = new StringContent(UpnpSoap.EncodeRequest(service.ServiceType, action, arguments), Encoding.UTF8, "text/xml"),
        };
        request.Headers.TryAddWithoutValidation("SOAPAction", UpnpSoap.SoapAction(service.ServiceType, action));
        string body;
        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.InternalServerError)
            {
                return (null, -1, $"UPnP {action}: HTTP {(int)response.StatusCode} from {service.ControlUrl}");
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (null, -1, $"UPnP {action}: {service.ControlUrl} failed: {e.Message}");
        }

        var values = UpnpSoap.TryDecodeResponse(body, action, out var code, out var error);
        return (values, code, error);
    }

    public void Dispose() => http.Dispose();
}
