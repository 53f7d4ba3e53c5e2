using System.Net;
using Microsoft.Extensions.Logging;
using Weft.LocalApi;
using Weft.Platform.PortMapping;

namespace Weft.Daemon;

/// <summary>
/// The daemon's port mapping on the router (config <c>portMapping</c>): maps the UDP listen port in the background,
/// keeps it renewed, hands the external endpoint to the node, and removes it on exit. Its state feeds
/// <c>weft netcheck</c>.
/// <code>
///  Start ─► (background) MapAsync(port, 2 h) ─ok──► SetMappedEndpoint(external), log ─► RenewLoopAsync ─┐
///                           │ failed                    renewed: new external? SetMappedEndpoint(new)   │
///                           ▼                           lost (expired, re-map failed): SetMappedEndpoint(null)
///                      log the reasons, keep them for netcheck                                        │
///  StopAsync ─► cancel ─► the mapping still in force ─► RemoveAsync (≤ 2 s) ─► log ◄──────────────────┘
/// </code>
/// Never delays <c>weft up</c>: nothing here runs on the start-up path but <see cref="Start"/>, which only queues
/// the task. Locking: <see cref="gate"/> guards the state fields; callbacks into the node run outside it.
/// </summary>
internal sealed class PortMappingKeeper : IDisposable
{
    /// <summary>The lifetime asked for; the mapper renews at half of what the router grants.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(2);

    /// <summary>How long removal on exit may take before the daemon stops anyway.</summary>
    public static readonly TimeSpan RemoveTimeout = TimeSpan.FromSeconds(2);

    private readonly PortMapper mapper;
    private readonly int port;
    private readonly Action<IPEndPoint?> setMapped;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stop = new();
    private readonly Lock gate = new();
    private Task? task;

    // ---- guarded by gate ----
    private bool trying = true;
    private PortMapping? current;
    private string? failure;

    /// <param name="mapper">Talks to the router (the default gateway unless the mapper was given one).</param>
    /// <param name="port">The UDP listen port to map.</param>
    /// <param name="setMapped">Where the external endpoint goes (<c>MeshNode.SetMappedEndpoint</c>); null when lost.</param>
    public PortMappingKeeper(PortMapper mapper, int port, Action<IPEndPoint?> setMapped, TimeProvider time, ILogger logger)
    {
        this.mapper = mapper;
        this.port = port;
        this.setMapped = setMapped;
        this.time = time;
        this.logger = logger;
    }

    /// <summary>The state as netcheck shows it: still trying, mapped (protocol, external), or unavailable with the reasons.</summary>
    public PortMappingReport Report
    {
        get
        {
            lock (gate)
            {
                if (current is { } mapping)
                {
                    return new PortMappingReport(true, ProtocolName(mapping.Protocol), mapping.ExternalEndPoint.ToString(), null);
                }

                return trying ? PortMappingReport.StillTrying : new PortMappingReport(false, null, null, failure);
            }
        }
    }

    /// <summary>The report when the config turned port mapping off.</summary>
    public static PortMappingReport Disabled { get; } = new(false, null, null, "disabled in the config (\"portMapping\": false)");

    /// <summary>Queues the first mapping attempt and the renew loop on the thread pool; returns at once.</summary>
    public void Start() => task = Task.Run(RunAsync);

    /// <summary>Stops renewing and removes the mapping from the router, waiting at most <see cref="RemoveTimeout"/> for it.</summary>
    public async Task StopAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        if (task is not null)
        {
            await task.ConfigureAwait(false);
        }

        PortMapping? mapping;
        lock (gate)
        {
            mapping = current;
            current = null;
            trying = false;
            failure = "removed: the daemon is stopping";
        }

        if (mapping is null)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(RemoveTimeout);
        string? error;
        try
        {
            error = await mapper.RemoveAsync(mapping, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            error = $"no answer within {RemoveTimeout.TotalSeconds:0} s";
        }

        if (error is null)
        {
            DaemonLog.PortMappingRemoved(logger, Describe(mapping));
        }
        else
        {
            DaemonLog.PortMappingNotRemoved(logger, Describe(mapping), error);
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        stop.Dispose();
    }

    /// <summary>"NAT-PMP 198.18.3.2:51820 on gateway 192.168.3.1".</summary>
    public static string Describe(PortMapping mapping) =>
        $"{ProtocolDisplayName(mapping.Protocol)} {mapping.ExternalEndPoint} on gateway {mapping.Gateway}";

    /// <summary>The API's protocol name: "pcp", "nat-pmp" or "upnp".</summary>
    public static string ProtocolName(PortMapProtocol protocol) => protocol switch
    {
        PortMapProtocol.Pcp => "pcp",
        PortMapProtocol.NatPmp => "nat-pmp",
        _ => "upnp",
    };

    private static string ProtocolDisplayName(PortMapProtocol protocol) => protocol switch
    {
        PortMapProtocol.Pcp => "PCP",
        PortMapProtocol.NatPmp => "NAT-PMP",
        _ => "UPnP",
    };

    private async Task RunAsync()
    {
        PortMapResult result;
        try
        {
            result = await mapper.MapAsync(port, Lifetime, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return;
        }

        // The log line and the node come first, the published state last: whoever sees the report settled sees them done.
        if (result.Mapping is not { } mapping)
        {
            DaemonLog.PortMappingUnavailable(logger, result.Failure ?? "unknown reason");
            lock (gate)
            {
                trying = false;
                failure = result.Failure;
            }

            return;
        }

        setMapped(mapping.ExternalEndPoint);
        DaemonLog.PortMapped(logger, Describe(mapping));
        lock (gate)
        {
            trying = false;
            current = mapping;
            failure = null;
        }

        PortMapping? last;
        try
        {
            last = await mapper.RenewLoopAsync(mapping, Lifetime, OnRenewed, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return;
        }

        lock (gate)
        {
            current = last;
        }
    }

    /// <summary>One renewal outcome from the renew loop (its own task): a fresh mapping, or a failure that may mean it is lost.</summary>
    private void OnRenewed(PortMapResult result)
    {
        if (result.Mapping is { } fresh)
        {
            PortMapping? before;
            lock (gate)
            {
                before = current;
                current = fresh;
                failure = null;
            }

            if (before is null || !before.ExternalEndPoint.Equals(fresh.ExternalEndPoint))
            {
                setMapped(fresh.ExternalEndPoint);
                DaemonLog.PortMapped(logger, Describe(fresh));
            }

            return;
        }

        bool lost;
        lock (gate)
        {
            failure = result.Failure;
            lost = current is not null && current.Expires <= time.GetUtcNow();
            if (lost)
            {
                current = null;
            }
        }

        if (lost)
        {
            setMapped(null);
            DaemonLog.PortMappingLost(logger, result.Failure ?? "unknown reason");
        }
        else
        {
            DaemonLog.PortMappingRenewFailed(logger, result.Failure ?? "unknown reason");
        }
    }
}
