using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Weft.LocalApi;

/// <summary>
/// The daemon's local API: HTTP + JSON on a Unix socket (Kestrel), used by <c>weft status</c>,
/// <c>weft wireguard add</c> and later metrics or a web page. Access control is the socket's file
/// mode (0600, owner only) and the state directory's (0700).
/// <code>
///   GET  /v1/status            → 200 StatusReport
///   POST /v1/wireguard-peers   WireGuardPeerRequest → 204, or 400 ApiError
/// </code>
/// Handlers are plain <see cref="RequestDelegate"/>s serialising through
/// <see cref="LocalApiJsonContext"/>, so nothing needs runtime code generation (AOT safe).
/// </summary>
internal sealed class LocalApiServer : IAsyncDisposable
{
    public const string StatusPath = "/v1/status";
    public const string WireGuardPeersPath = "/v1/wireguard-peers";

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
        app.MapGet(StatusPath, (RequestDelegate)(context => WriteJsonAsync(context, 200, backend.GetStatus())));
        app.MapPost(WireGuardPeersPath, (RequestDelegate)(context => AddWireGuardPeerAsync(context, backend)));

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

    private static Task WriteJsonAsync(HttpContext context, int status, StatusReport report)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, report, LocalApiJsonContext.Readable.StatusReport, context.RequestAborted);
    }

    private static Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, new ApiError(message), LocalApiJsonContext.Readable.ApiError, context.RequestAborted);
    }
}
