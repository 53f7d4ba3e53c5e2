using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Weft.LocalApi;

/// <summary>
/// The daemon's local API: HTTP + JSON on a Unix socket (Kestrel), used by <c>weft status</c>,
/// <c>weft wireguard add</c>, <c>weft map</c>, <c>weft ping</c>, <c>weft netcheck</c> and later metrics or a web page. Access control is the socket's file
/// mode (0600, owner only) and the state directory's (0700).
/// <code>
///   GET  /v1/status            → 200 StatusReport
///   POST /v1/wireguard-peers   WireGuardPeerRequest → 204, or 400 ApiError
///   GET  /v1/map               → 200 MapReport
///   POST /v1/ping              PingRequest → 200 PingReport; 404 ApiError (unknown target);
///                              504 ApiError (no reply within the timeout); 400 ApiError (bad request)
///   GET  /v1/netcheck?timeoutMs=N  → 200 NetcheckReport (after up to N ms, default 3000); 400 ApiError (bad timeout)
/// </code>
/// Handlers are plain <see cref="RequestDelegate"/>s serialising through
/// <see cref="LocalApiJsonContext"/>, so nothing needs runtime code generation (AOT safe).
/// </summary>
internal sealed class LocalApiServer : IAsyncDisposable
{
    public const string StatusPath = "/v1/status";
    public const string WireGuardPeersPath = "/v1/wireguard-peers";
    public const string MapPath = "/v1/map";
    public const string PingPath = "/v1/ping";
    public const string NetcheckPath = "/v1/netcheck";

    /// <summary>How long a netcheck waits for answers unless asked otherwise.</summary>
    public static readonly TimeSpan DefaultNetcheckTimeout = TimeSpan.FromSeconds(3);

    /// <summary>The longest a netcheck may wait for answers.</summary>
    public static readonly TimeSpan MaxNetcheckTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The longest a single ping may wait for its reply.</summary>
    public static readonly TimeSpan MaxPingTimeout = TimeSpan.FromSeconds(60);

    private readonly WebApplication _app;
    private readonly string _socketPath;

    private LocalApiServer(WebApplication app, string socketPath)
    {
        _app = app;
        _socketPath = socketPath;
    }

    /// <summary>
    /// Starts listening on <paramref name="socketPath"/> (a stale socket file there is replaced: the
    /// caller holds the state lock). <paramref name="configureLogging"/> sets up the host's logging.
    /// </summary>
    public static async Task<LocalApiServer> StartAsync(
        string socketPath, ILocalApiBackend backend, Action<ILoggingBuilder> configureLogging, CancellationToken cancellationToken)
    {
        if (File.Exists(socketPath))
        {
            File.Delete(socketPath);
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        configureLogging(builder.Logging);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenUnixSocket(socketPath));

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Weft.LocalApi");
        app.Use(next => context => AnswerFailuresAsync(context, next, logger));
        app.MapGet(StatusPath, (RequestDelegate)(context => WriteJsonAsync(context, 200, backend.GetStatus(), LocalApiJsonContext.Readable.StatusReport)));
        app.MapPost(WireGuardPeersPath, (RequestDelegate)(context => AddWireGuardPeerAsync(context, backend)));
        app.MapGet(MapPath, (RequestDelegate)(context => WriteJsonAsync(context, 200, backend.GetMap(), LocalApiJsonContext.Readable.MapReport)));
        app.MapPost(PingPath, (RequestDelegate)(context => PingAsync(context, backend)));
        app.MapGet(NetcheckPath, (RequestDelegate)(context => NetcheckAsync(context, backend)));

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        File.SetUnixFileMode(socketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return new LocalApiServer(app, socketPath);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        try
        {
            File.Delete(_socketPath);
        }
        catch (IOException)
        {
            // Best effort; the next start replaces it anyway.
        }
    }

    private static async Task AddWireGuardPeerAsync(HttpContext context, ILocalApiBackend backend)
    {
        WireGuardPeerRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(
                context.Request.Body, LocalApiJsonContext.Readable.WireGuardPeerRequest, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            await WriteErrorAsync(context, 400, $"bad request body: {e.Message}").ConfigureAwait(false);
            return;
        }

        if (request is null)
        {
            await WriteErrorAsync(context, 400, "empty request body").ConfigureAwait(false);
            return;
        }

        var error = backend.AddWireGuardPeer(request);
        if (error is not null)
        {
            await WriteErrorAsync(context, 400, error).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = 204;
    }

    private static async Task PingAsync(HttpContext context, ILocalApiBackend backend)
    {
        PingRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(
                context.Request.Body, LocalApiJsonContext.Readable.PingRequest, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            await WriteErrorAsync(context, 400, $"bad request body: {e.Message}").ConfigureAwait(false);
            return;
        }

        if (request is null || string.IsNullOrWhiteSpace(request.Target))
        {
            await WriteErrorAsync(context, 400, "a ping needs a target (a member's name or overlay address)").ConfigureAwait(false);
            return;
        }

        var timeout = TimeSpan.FromMilliseconds(request.TimeoutMs);
        if (timeout <= TimeSpan.Zero || timeout > MaxPingTimeout)
        {
            await WriteErrorAsync(context, 400, $"the ping timeout must be between 1 ms and {MaxPingTimeout.TotalSeconds:0} s").ConfigureAwait(false);
            return;
        }

        var outcome = await backend.PingAsync(request.Target.Trim(), timeout, context.RequestAborted).ConfigureAwait(false);
        if (outcome.Reply is { } reply)
        {
            await WriteJsonAsync(context, 200, reply, LocalApiJsonContext.Readable.PingReport).ConfigureAwait(false);
        }
        else if (outcome.Error is { } error)
        {
            await WriteErrorAsync(context, 404, error).ConfigureAwait(false);
        }
        else
        {
            await WriteErrorAsync(context, 504, $"no reply from {request.Target} within {timeout.TotalMilliseconds:0} ms").ConfigureAwait(false);
        }
    }

    private static async Task NetcheckAsync(HttpContext context, ILocalApiBackend backend)
    {
        var timeout = DefaultNetcheckTimeout;
        if (context.Request.Query.TryGetValue("timeoutMs", out var text))
        {
            if (!int.TryParse(text.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms)
                || ms <= 0 || ms > MaxNetcheckTimeout.TotalMilliseconds)
            {
                await WriteErrorAsync(context, 400, $"the netcheck timeout must be between 1 ms and {MaxNetcheckTimeout.TotalSeconds:0} s").ConfigureAwait(false);
                return;
            }

            timeout = TimeSpan.FromMilliseconds(ms);
        }

        var report = await backend.NetcheckAsync(timeout, context.RequestAborted).ConfigureAwait(false);
        await WriteJsonAsync(context, 200, report, LocalApiJsonContext.Readable.NetcheckReport).ConfigureAwait(false);
    }

    /// <summary>
    /// A bug behind an endpoint must not reach the CLI as a bare "500 Internal Server Error": the
    /// exception is logged in full in the daemon's log and the caller gets one sentence saying what
    /// failed and where to look.
    /// </summary>
    private static async Task AnswerFailuresAsync(HttpContext context, RequestDelegate next, ILogger logger)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException && !context.Response.HasStarted)
        {
            LocalApiLog.RequestFailed(logger, context.Request.Method, context.Request.Path.Value ?? "", e);
            var error = new ApiError($"the daemon failed on {context.Request.Path.Value}: {e.Message} (the daemon's log has the details)");
            await WriteJsonAsync(context, StatusCodes.Status500InternalServerError, error, LocalApiJsonContext.Readable.ApiError).ConfigureAwait(false);
        }
    }

    private static Task WriteJsonAsync<T>(HttpContext context, int status, T value, JsonTypeInfo<T> type)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, value, type, context.RequestAborted);
    }

    private static Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, new ApiError(message), LocalApiJsonContext.Readable.ApiError, context.RequestAborted);
    }
}
