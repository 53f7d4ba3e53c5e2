namespace Weft.Platform.PortMapping;

/// <summary>A WANIPConnection service of an Internet Gateway Device: where to POST SOAP actions, and its service type.</summary>
public sealed record UpnpService(Uri ControlUrl, string ServiceType);
