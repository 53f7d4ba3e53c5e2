using System.Net;
using System.Security.Cryptography;

namespace Weft.Platform.PortMapping;

/// <summary>
/// Maps, renews and deletes a UDP mapping with PCP (RFC 6887) MAP requests. A server that only speaks
/// NAT-PMP answers with "unsupported version"; <see cref="MapAsync"/> reports that as
/// <c>UnsupportedVersion</c> so the caller can fall back to NAT-PMP on the same port.
/// </summary>
internal static class PcpClient
{
    public static async Task<(PortMapResult Result, bool UnsupportedVersion, bool Silent)> MapAsync(IPAddress gateway, int internalPort, int suggestedExternalPort,
        TimeSpan lifetime, ReadOnlyMemory<byte> nonce, RetransmitSchedule schedule, TimeProvider time, CancellationToken cancellationToken)
    {
        using var exchange = GatewayExchange.Open(gateway, NatPmpMessage.Port, out var openError);
        if (exchange is null)
        {
            return (PortMapResult.Fail("PCP: " + openError), false, true);
        }

        var nonceBytes = nonce.IsEmpty ? RandomNumberGenerator.GetBytes(PcpMessage.NonceLength) : nonce.ToArray();
        var request = PcpMessage.EncodeMapUdp(nonceBytes, exchange.LocalAddress, internalPort, suggestedExternalPort, null, NatPmpClient.Seconds(lifetime));
        var (answer, error, silent) = await exchange.ExchangeAsync(request, IsAnswer, schedule, cancellationToken).ConfigureAwait(false);
        if (answer is null)
        {
            return (PortMapResult.Fail("PCP: " + error), false, silent);
        }

        if (NatPmpMessage.IsUnsupportedVersion(answer))
        {
            return (PortMapResult.Fail($"PCP: {gateway} speaks only NAT-PMP (unsupported version)"), true, false);
        }

        if (!PcpMessage.TryDecodeMapUdp(answer, nonceBytes, out var code, out _, out var externalPort, out var external, out var seconds, out error))
        {
            return (PortMapResult.Fail(error!), code == PcpMessage.ResultUnsupportedVersion, false);
        }

        var granted = TimeSpan.FromSeconds(seconds);
        return (PortMapResult.Ok(new PortMapping(PortMapProtocol.Pcp, gateway, exchange.LocalAddress, internalPort, external, externalPort,
            granted, time.GetUtcNow() + granted)
        { PcpNonce = nonceBytes }), false, false);
    }

    /// <summary>Deletes the mapping owned by its nonce (lifetime 0); null on success, else the reason.</summary>
    public static async Task<string?> DeleteAsync(PortMapping mapping, RetransmitSchedule schedule, CancellationToken cancellationToken)
    {
        using var exchange = GatewayExchange.Open(mapping.Gateway, NatPmpMessage.Port, out var openError);
        if (exchange is null)
        {
            return "PCP: " + openError;
        }

        var request = PcpMessage.EncodeMapUdp(mapping.PcpNonce.Span, exchange.LocalAddress, mapping.InternalPort, 0, null, 0);
        var (answer, error, _) = await exchange.ExchangeAsync(request, IsAnswer, schedule, cancellationToken).ConfigureAwait(false);
        if (answer is null)
        {
            return "PCP: " + error;
        }

        return PcpMessage.TryDecodeMapUdp(answer, mapping.PcpNonce.Span, out _, out _, out _, out _, out _, out error) ? null : error;
    }

    // A PCP answer (version 2, response bit) or a NAT-PMP server's version-0 answer to our version 2.
    private static bool IsAnswer(byte[] answer) =>
        answer.Length >= 4 && ((answer[0] == PcpMessage.Version && (answer[1] & 0x80) != 0) || answer[0] == 0);
}
