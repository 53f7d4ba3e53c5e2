using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Weft.Config;

/// <summary>
/// A "host:port" peer address as users write it: <c>10.0.0.1:51820</c>, <c>[fd00::1]:51820</c> or
/// <c>gateway.example:51820</c>. Parsing checks the form only; <see cref="Resolve"/> turns a host
/// name into an address when the daemon starts.
/// </summary>
internal readonly record struct HostPort(string Host, int Port)
{
    public override string ToString() =>
        Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>Parses "host:port"; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string text, out HostPort value, out string error)
    {
        value = default;
        string host;
        string portText;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':')
            {
                error = $"\"{text}\" is not host:port (write an IPv6 address as [addr]:port)";
                return false;
            }

            host = text[1..close];
            portText = text[(close + 2)..];
            if (!IPAddress.TryParse(host, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                error = $"\"{host}\" in \"{text}\" is not an IPv6 address";
                return false;
            }
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon <= 0 || text.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                error = $"\"{text}\" is not host:port";
                return false;
            }

            host = text[..colon];
            portText = text[(colon + 1)..];
            if (!IsValidHostName(host))
            {
                error = $"\"{host}\" in \"{text}\" is not a host name or address";
                return false;
            }
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            error = $"port \"{portText}\" in \"{text}\" must be a number between 1 and 65535";
            return false;
        }

        value = new HostPort(host, port);
        error = "";
        return true;
    }

    /// <summary>Resolves the host (an address literal or a DNS name) to an endpoint.</summary>
    public IPEndPoint Resolve()
    {
        if (IPAddress.TryParse(Host, out var address))
        {
            return new IPEndPoint(address, Port);
        }

        IPAddress[] addresses;
        try
        {
            addresses = Dns.GetHostAddresses(Host);
        }
        catch (SocketException e)
        {
            throw new ConfigException($"cannot resolve peer \"{this}\": {e.Message}");
        }

        if (addresses.Length == 0)
        {
            throw new ConfigException($"cannot resolve peer \"{this}\": no addresses");
        }

        foreach (var a in addresses)
        {
            if (a.AddressFamily == AddressFamily.InterNetwork)
            {
                return new IPEndPoint(a, Port);
            }
        }

        return new IPEndPoint(addresses[0], Port);
    }

    private static bool IsValidHostName(string host)
    {
        if (host.Length is 0 or > 253)
        {
            return false;
        }

        foreach (var c in host)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
