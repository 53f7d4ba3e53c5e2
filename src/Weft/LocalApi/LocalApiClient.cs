using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Weft.Cli;

namespace Weft.LocalApi;

/// <summary>
/// The CLI side of the local API: HTTP over the daemon's Unix socket. Every failure a user can
/// meet (daemon not running, stale socket, daemon refused the request) becomes a
/// <see cref="UserErrorException"/> with a one-line explanation.
/// </summary>
internal sealed class LocalApiClient : IDisposable
{
    /// <summary>How long the daemon has to answer a request that does not wait for the network.</summary>
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;
    private readonly string _socketPath;

    public LocalApiClient(string socketPath)
    {
        _socketPath = socketPath;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        // Each request bounds itself (SendAsync): a ping may legitimately take longer than a status.
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://weft/"), Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>True when a socket file exists (the daemon may still be dead: a stale socket).</summary>
    public bool SocketExists => File.Exists(_socketPath);

    public async Task<StatusReport> GetStatusAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, LocalApiServer.StatusPath.TrimStart('/')), cancellationToken)
            .ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        var report = await response.Content.ReadFromJsonAsync(LocalApiJsonContext.Readable.StatusReport, cancellationToken).ConfigureAwait(false);
        return report ?? throw new UserErrorException("the daemon sent an empty status");
    }

    public async Task AddWireGuardPeerAsync(WireGuardPeerRequest request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, LocalApiServer.WireGuardPeersPath.TrimStart('/'))
        {
            Content = JsonContent.Create(request, LocalApiJsonContext.Readable.WireGuardPeerRequest),
        };
        using var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
    }

    public async Task<MapReport> GetMapAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, LocalApiServer.MapPath.TrimStart('/')), cancellationToken)
            .ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        var report = await response.Content.ReadFromJsonAsync(LocalApiJsonContext.Readable.MapReport, cancellationToken).ConfigureAwait(false);
        return report ?? throw new UserErrorException("the daemon sent an empty map");
    }

    /// <summary>
    /// One mesh-level ping through the daemon: the reply, or null when none came within
    /// <paramref name="timeout"/>. An unknown target is a <see cref="UserErrorException"/> naming close names.
    /// </summary>
    public async Task<PingReport?> PingAsync(string target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, LocalApiServer.PingPath.TrimStart('/'))
        {
            Content = JsonContent.Create(new PingRequest(target, (int)Math.Ceiling(timeout.TotalMilliseconds)), LocalApiJsonContext.Readable.PingRequest),
        };
        using var response = await SendAsync(message, timeout + AnswerTimeout, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.GatewayTimeout)
        {
            return null;
        }

        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync(LocalApiJsonContext.Readable.PingReport, cancellationToken).ConfigureAwait(false)
            ?? throw new UserErrorException("the daemon sent an empty ping reply");
    }

    /// <summary>A netcheck through the daemon, which waits up to <paramref name="timeout"/> for the members' answers.</summary>
    public async Task<NetcheckReport> NetcheckAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var path = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{LocalApiServer.NetcheckPath.TrimStart('/')}?timeoutMs={(int)Math.Ceiling(timeout.TotalMilliseconds)}");
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), timeout + AnswerTimeout, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync(LocalApiJsonContext.Readable.NetcheckReport, cancellationToken).ConfigureAwait(false)
            ?? throw new UserErrorException("the daemon sent an empty netcheck");
    }

    public void Dispose() => _http.Dispose();

    private Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendAsync(request, AnswerTimeout, cancellationToken);

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, TimeSpan answerTimeout, CancellationToken cancellationToken)
    {
        if (!SocketExists)
        {
            request.Dispose();
            throw new UserErrorException($"weft is not running (no socket at {_socketPath})");
        }

        try
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(answerTimeout);
            return await _http.SendAsync(request, bounded.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.AccessDenied })
        {
            throw new UserErrorException($"permission denied on {_socketPath}: run weft as the user the daemon runs as (usually root)", e);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException)
        {
            throw new UserErrorException($"weft is not running (nothing answers on {_socketPath})", e);
        }
        catch (HttpRequestException e)
        {
            throw new UserErrorException($"cannot talk to the daemon on {_socketPath}: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new UserErrorException($"the daemon on {_socketPath} did not answer in time", e);
        }
        finally
        {
            request.Dispose();
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        string message;
        try
        {
            var error = await response.Content.ReadFromJsonAsync(LocalApiJsonContext.Readable.ApiError, cancellationToken).ConfigureAwait(false);
            message = error?.Error ?? response.ReasonPhrase ?? "unknown error";
        }
        catch (JsonException)
        {
            message = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        }

        throw new UserErrorException(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound ? message : $"the daemon refused: {message}");
    }
}
