using System.Net.Sockets;
using Weft.SystemTests.Lab;

namespace Weft.SystemTests.Nat;

/// <summary>
/// Reads a daemon's status straight from its local API (HTTP over the Unix socket in its state
/// directory, <c>GET /v1/status</c>: the same JSON <c>weft status --json</c> prints) without starting
/// a <c>weft</c> process per poll, so the matrix can time a path switch to ~0.1 s on a busy machine.
/// The socket file is reachable from the test process although the daemon runs in a namespace.
/// </summary>
public static class NatApi
{
    /// <summary>The status of the daemon using <paramref name="node"/>'s state directory; null when it does not answer.</summary>
    public static async Task<WeftStatus?> StatusAsync(WeftNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var socketPath = Path.Combine(node.StateDirectory, "weft.sock");
        using var handler = new SocketsHttpHandler
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
        using var http = new HttpClient(handler) { BaseAddress = new Uri("http://weft/"), Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            var json = await http.GetStringAsync(new Uri("v1/status", UriKind.Relative)).ConfigureAwait(false);
            return WeftStatus.TryParse(json, out _);
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or IOException or TaskCanceledException)
        {
            return null;
        }
    }
}
