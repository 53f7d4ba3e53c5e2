using System.Net;

namespace Weft.Platform.PortMapping;

/// <summary>
/// Maps, renews and deletes a UDP mapping with NAT-PMP (RFC 6886): ask for the external address,
/// then for the mapping; renewing is the same map request again, deleting is lifetime 0.
/// </summary>
internal static class NatPmpClient
{
    public static async Task<PortMapResult> MapAsync(IPAddress gateway, int internalPort, int suggestedExternalPort, TimeSpan lifetime,
        RetransmitSchedule schedule, TimeProvider time, CancellationToken cancellationToken)
    {
        using var exchange = GatewayExchange.Open(gateway, NatPmpMessage.Port, out var openError);
        if (exchange is null)
        {
            return PortMapResult.Fail("NAT-PMP: " + openError);
        }

        var (addressAnswer, error, _) = await exchange.ExchangeAsync(NatPmpMessage.EncodeExternalAddressRequest(),
            static answer => answer.Length >= 2 && answer[0] == 0 && answer[1] == 128 + NatPmpMessage.OpExternalAddress, schedule, cancellationToken).ConfigureAwait(false);
        if (addressAnswer is null)
        {
            return PortMapResult.Fail("NAT-PMP: " + error);
        }

        if (!NatPmpMessage.TryDecodeExternalAddress(addressAnswer, out var external, out error))
        {
            return PortMapResult.Fail(error!);
        }

        var request = NatPmpMessage.EncodeMapUdpRequest(internalPort, suggestedExternalPort, Seconds(lifetime));
        var (mapAnswer, mapError, _) = await exchange.ExchangeAsync(request,
            answer => answer.Length >= 2 && answer[0] == 0 && answer[1] == 128 + NatPmpMessage.OpMapUdp
                      && (answer.Length < 10 || (answer[8] << 8 | answer[9]) == internalPort),
            schedule, cancellationToken).ConfigureAwait(false);
        if (mapAnswer is null)
        {
            return PortMapResult.Fail("NAT-PMP: " + mapError);
        }

        if (!NatPmpMessage.TryDecodeMapUdp(mapAnswer, out _, out var externalPort, out var seconds, out error))
        {
            return PortMapResult.Fail(error!);
        }

        var granted = TimeSpan.FromSeconds(seconds);
        return PortMapResult.Ok(new PortMapping(PortMapProtocol.NatPmp, gateway, exchange.LocalAddress, internalPort, external, externalPort,
            granted, time.GetUtcNow() + granted));
    }

    /// <summary>Deletes the mapping (lifetime 0); null on success, else the reason.</summary>
    public static async Task<string?> DeleteAsync(PortMapping mapping, RetransmitSchedule schedule, CancellationToken cancellationToken)
    {
        using var exchange = GatewayExchange.Open(mapping.Gateway, NatPmpMessage.Port, out var openError);
        if (exchange is null)
        {
            return "NAT-PMP: " + openError;
        }

        var request = NatPmpMessage.EncodeMapUdpRequest(mapping.InternalPort, 0, 0);
        var (answer, error, _) = await exchange.ExchangeAsync(request,
            static answer => answer.Length >= 2 && answer[0] == 0 && answer[1] == 128 + NatPmpMessage.OpMapUdp, schedule, cancellationToken).ConfigureAwait(false);
        if (answer is null)
        {
            return "NAT-PMP: " + error;
        }

        return NatPmpMessage.TryDecodeMapUdp(answer, out _, out _, out _, out error) ? null : error;
    }

    internal static uint Seconds(TimeSpan lifetime) => (uint)Math.Clamp(Math.Ceiling(lifetime.TotalSeconds), 0, uint.MaxValue);
}
