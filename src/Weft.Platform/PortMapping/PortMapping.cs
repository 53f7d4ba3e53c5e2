using System.Net;

namespace Weft.Platform.PortMapping;

/// <summary>
/// A UDP port mapping a router granted: traffic to <see cref="ExternalAddress"/>:<see cref="ExternalPort"/>
/// reaches <see cref="InternalAddress"/>:<see cref="InternalPort"/> until <see cref="Expires"/>.
/// It carries what the same protocol needs to renew or delete it (PCP nonce, UPnP control URL).
/// </summary>
public sealed record PortMapping(
    PortMapProtocol Protocol,
    IPAddress Gateway,
    IPAddress InternalAddress,
    int InternalPort,
    IPAddress ExternalAddress,
    int ExternalPort,
    TimeSpan Lifetime,
    DateTimeOffset Expires)
{
    /// <summary>The PCP MAP nonce (12 bytes) that owns the mapping; empty for other protocols.</summary>
    public ReadOnlyMemory<byte> PcpNonce { get; init; }

    /// <summary>The UPnP control URL and service type the mapping was added through; null for other protocols.</summary>
    public UpnpService? Upnp { get; init; }

    /// <summary>The external endpoint peers can send to.</summary>
    public IPEndPoint ExternalEndPoint => new(ExternalAddress, ExternalPort);

    public override string ToString() =>
        $"{Protocol} {ExternalAddress}:{ExternalPort} -> {InternalAddress}:{InternalPort} via {Gateway} for {Lifetime.TotalSeconds:0}s";
}
