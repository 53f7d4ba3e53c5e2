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
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://weft/"), Timeout = TimeSpan.FromSeconds(10) };
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

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!SocketExists)
        {
            request.Dispose();
            throw new UserErrorException($"weft is not running (no socket at {_socketPath})");
        }

        try
        {
            return await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
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

        throw new UserErrorException(response.StatusCode == HttpStatusCode.BadRequest ? message : $"the daemon refused: {message}");
    }
}
