using System.Net;

namespace Weft.Platform.PortMapping;

/// <summary>
/// Asks the router to forward a UDP port to this node so peers can reach it directly (a "mapped"
/// endpoint candidate). Tries PCP, then NAT-PMP (when PCP got an answer but not a mapping, e.g.
/// UNSUPP_VERSION from a NAT-PMP-only server; both share port 5351), then UPnP IGD, against the default
/// gateway from /proc/net/route or the one given. Every expected failure comes back as a
/// <see cref="PortMapResult"/> with the reasons, never as an exception.
/// <code>
/// MapAsync ──► PCP MAP ──ok──────────────────────────────► mapping
///                 │ UNSUPP_VERSION / error     silent ──┐
///                 ▼                                     │
///              NAT-PMP ──ok──────────────────────────────► mapping
///                 │ fail                                │
///                 ▼◄────────────────────────────────────┘
///              UPnP: SSDP ► description ► SOAP ──ok──────► mapping
///                 │ fail
///                 ▼
///              failure: "PCP: …; NAT-PMP: …; UPnP: no IGD found …"
/// RenewLoopAsync: renew at half the lifetime with the same protocol (PCP keeps its nonce).
/// RemoveAsync: lifetime 0 (PCP/NAT-PMP) or DeletePortMapping (UPnP).
/// </code>
/// </summary>
public sealed class PortMapper : IDisposable
{
    private static readonly TimeSpan MaxSleep = TimeSpan.FromHours(1);
    private readonly IPAddress? gateway;
    private readonly PortMapperOptions options;
    private readonly TimeProvider time;
    private readonly UpnpClient upnp;

    /// <param name="gateway">The router to ask; null finds the default gateway in /proc/net/route at each call.</param>
    public PortMapper(IPAddress? gateway = null, PortMapperOptions? options = null, TimeProvider? time = null)
    {
        this.gateway = gateway;
        this.options = options ?? new PortMapperOptions();
        this.time = time ?? TimeProvider.System;
        upnp = new UpnpClient(this.options.SsdpWait, this.options.HttpTimeout, this.time);
    }

    private long failures;

    /// <summary>Number of map, renew and remove attempts that failed (for the daemon's counters).</summary>
    public long Failures => Interlocked.Read(ref failures);

    /// <summary>Maps UDP <paramref name="internalPort"/> for <paramref name="lifetime"/>, suggesting the same external port.</summary>
    public async Task<PortMapResult> MapAsync(int internalPort, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(internalPort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(internalPort, 65535);
        var router = gateway ?? DefaultGateway.Find();
        if (router is null)
        {
            Interlocked.Increment(ref failures);
            return PortMapResult.Fail($"no default gateway in {DefaultGateway.RouteTable}");
        }

        var reasons = new List<string>();
        var tryNatPmp = options.TryNatPmp;
        if (options.TryPcp)
        {
            var (result, _, silent) = await PcpClient.MapAsync(router, internalPort, internalPort, lifetime, ReadOnlyMemory<byte>.Empty,
                options.Retransmit, time, cancellationToken).ConfigureAwait(false);
            if (result.Succeeded)
            {
                return result;
            }

            if (silent && tryNatPmp)
            {
                // NAT-PMP is served on the same port: a silent PCP means a silent NAT-PMP.
                reasons.Add(result.Failure!.StartsWith("PCP: no answer", StringComparison.Ordinal)
                    ? $"no NAT-PMP/PCP answer from {router} within {options.Retransmit.Total.TotalSeconds:0.##} s"
                    : result.Failure + " (NAT-PMP shares the port: not tried)");
                tryNatPmp = false;
            }
            else
            {
                reasons.Add(result.Failure!);
            }
        }

        if (tryNatPmp)
        {
            var result = await NatPmpClient.MapAsync(router, internalPort, internalPort, lifetime, options.Retransmit, time, cancellationToken).ConfigureAwait(false);
            if (result.Succeeded)
            {
                return result;
            }

            reasons.Add(result.Failure!);
        }

        if (options.TryUpnp)
        {
            var local = LocalAddressToward(router);
            if (local is null)
            {
                reasons.Add($"UPnP: no local address toward {router}");
            }
            else
            {
                var result = await upnp.MapAsync(router, local, internalPort, internalPort, lifetime, null, cancellationToken).ConfigureAwait(false);
                if (result.Succeeded)
                {
                    return result;
                }

                reasons.Add(result.Failure!);
            }
        }

        Interlocked.Increment(ref failures);
        return PortMapResult.Fail(reasons.Count == 0 ? "no port mapping protocol enabled" : string.Join("; ", reasons));
    }

    /// <summary>Renews <paramref name="mapping"/> with the protocol that made it, asking for the same external port.</summary>
    public async Task<PortMapResult> RenewAsync(PortMapping mapping, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        var result = mapping.Protocol switch
        {
            PortMapProtocol.Pcp => (await PcpClient.MapAsync(mapping.Gateway, mapping.InternalPort, mapping.ExternalPort, lifetime, mapping.PcpNonce,
                options.Retransmit, time, cancellationToken).ConfigureAwait(false)).Result,
            PortMapProtocol.NatPmp => await NatPmpClient.MapAsync(mapping.Gateway, mapping.InternalPort, mapping.ExternalPort, lifetime,
                options.Retransmit, time, cancellationToken).ConfigureAwait(false),
            _ => await upnp.MapAsync(mapping.Gateway, mapping.InternalAddress, mapping.InternalPort, mapping.ExternalPort, lifetime, mapping.Upnp,
                cancellationToken).ConfigureAwait(false),
        };
        if (!result.Succeeded)
        {
            Interlocked.Increment(ref failures);
        }

        return result;
    }

    /// <summary>
    /// Keeps <paramref name="mapping"/> alive until <paramref name="cancellationToken"/> fires: renews at half the
    /// granted lifetime; after a failed renewal retries at half the time left (at least 5 s), and once the
    /// mapping has expired starts over with <see cref="MapAsync"/>. Every outcome goes to <paramref name="renewed"/>.
    /// Returns the last mapping in force (remove it on exit), or null if none is.
    /// </summary>
    public async Task<PortMapping?> RenewLoopAsync(PortMapping mapping, TimeSpan lifetime, Action<PortMapResult>? renewed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        PortMapping? current = mapping;
        var next = RenewAt(mapping);
        try
        {
            while (true)
            {
                var wait = next - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    // Sleep in bounded steps: a permanent UPnP lease renews "never".
                    await Task.Delay(wait < MaxSleep ? wait : MaxSleep, time, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var result = current is not null && current.Expires > time.GetUtcNow()
                    ? await RenewAsync(current, lifetime, cancellationToken).ConfigureAwait(false)
                    : await MapAsync(mapping.InternalPort, lifetime, cancellationToken).ConfigureAwait(false);
                renewed?.Invoke(result);
                if (result.Mapping is { } fresh)
                {
                    current = fresh;
                    next = RenewAt(fresh);
                    continue;
                }

                var now = time.GetUtcNow();
                if (current is not null && current.Expires <= now)
                {
                    current = null;
                }

                var left = current is null ? lifetime : current.Expires - now;
                next = now + TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(5).Ticks, left.Ticks / 2));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return current;
        }
    }

    /// <summary>Deletes <paramref name="mapping"/> on the router; null on success, else the reason.</summary>
    public async Task<string?> RemoveAsync(PortMapping mapping, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        var error = mapping.Protocol switch
        {
            PortMapProtocol.Pcp => await PcpClient.DeleteAsync(mapping, options.Retransmit, cancellationToken).ConfigureAwait(false),
            PortMapProtocol.NatPmp => await NatPmpClient.DeleteAsync(mapping, options.Retransmit, cancellationToken).ConfigureAwait(false),
            _ => await upnp.DeleteAsync(mapping, cancellationToken).ConfigureAwait(false),
        };
        if (error is not null)
        {
            Interlocked.Increment(ref failures);
        }

        return error;
    }

    public void Dispose() => upnp.Dispose();

    private static DateTimeOffset RenewAt(PortMapping mapping) =>
        mapping.Lifetime == Timeout.InfiniteTimeSpan ? DateTimeOffset.MaxValue : mapping.Expires - mapping.Lifetime / 2;

    private static IPAddress? LocalAddressToward(IPAddress router)
    {
        using var probe = GatewayExchange.Open(router, SsdpMessage.Port, out _);
        return probe?.LocalAddress;
    }
}
