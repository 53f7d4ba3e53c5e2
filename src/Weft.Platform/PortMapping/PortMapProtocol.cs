namespace Weft.Platform.PortMapping;

/// <summary>The router protocol that created a <see cref="PortMapping"/>.</summary>
public enum PortMapProtocol
{
    /// <summary>Port Control Protocol, RFC 6887, UDP port 5351 on the gateway.</summary>
    Pcp,

    /// <summary>NAT Port Mapping Protocol, RFC 6886, UDP port 5351 on the gateway.</summary>
    NatPmp,

    /// <summary>UPnP Internet Gateway Device (WANIPConnection), SSDP discovery and SOAP over HTTP.</summary>
    Upnp,
}
