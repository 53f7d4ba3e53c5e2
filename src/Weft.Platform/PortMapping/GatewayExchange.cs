using System.Net;
using System.Net.Sockets;

namespace Weft.Platform.PortMapping;

/// <summary>
/// One request/response exchange with the gateway's NAT-PMP/PCP port over a connected UDP socket
/// (the kernel drops datagrams from any other source). Retransmits on the RFC 6886 schedule: wait
/// 250 ms, then double the wait each time, for a bounded number of attempts; the total is what the
/// "no answer within …" failure reports.
/// </summary>
internal sealed class GatewayExchange : IDisposable
{
    private readonly Socket socket;
    private readonly byte[] receiveBuffer = new byte[1100];

    private readonly int port;

    private GatewayExchange(Socket socket, IPAddress gateway, int port, IPAddress localAddress)
    {
        this.socket = socket;
        this.port = port;
        Gateway = gateway;
        LocalAddress = localAddress;
    }

    public IPAddress Gateway { get; }

    /// <summary>This host's address on the path to the gateway (what PCP and UPnP call the internal client).</summary>
    public IPAddress LocalAddress { get; }

    /// <summary>Opens the socket toward <paramref name="gateway"/>:<paramref name="port"/>; null with a reason if there is no route.</summary>
    public static GatewayExchange? Open(IPAddress gateway, int port, out string? error)
    {
        var socket = new Socket(gateway.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Connect(new IPEndPoint(gateway, port));
            error = null;
            return new GatewayExchange(socket, gateway, port, ((IPEndPoint)socket.LocalEndPoint!).Address);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            error = $"cannot reach {gateway}:{port}: {e.SocketErrorCode}";
            return null;
        }
    }

    /// <summary>
    /// Sends <paramref name="request"/> until a datagram arrives that <paramref name="isAnswer"/> accepts
    /// (others are ignored), or the schedule runs out. Returns the answer's bytes, or null with a reason
    /// (<c>Silent</c> when nothing at all answered, so the caller can skip NAT-PMP after a silent PCP).
    /// </summary>
    public async Task<(byte[]? Answer, string? Error, bool Silent)> ExchangeAsync(byte[] request, Func<byte[], bool> isAnswer, RetransmitSchedule schedule, CancellationToken cancellationToken)
    {
        var wait = schedule.InitialWait;
        for (var attempt = 0; attempt < schedule.Attempts; attempt++, wait *= 2)
        {
            try
            {
                await socket.SendAsync(request, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                return (null, $"send to {Gateway} failed: {e.SocketErrorCode}", true);
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(wait);
            while (true)
            {
                int length;
                try
                {
                    length = await socket.ReceiveAsync(receiveBuffer, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    break;
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
                {
                    return (null, $"{Gateway} refused port {port} (nothing listens there)", true);
                }
                catch (SocketException e)
                {
                    return (null, $"receive from {Gateway} failed: {e.SocketErrorCode}", true);
                }

                var answer = receiveBuffer.AsSpan(0, length).ToArray();
                if (isAnswer(answer))
                {
                    return (answer, null, false);
                }
            }
        }

        return (null, $"no answer from {Gateway} within {schedule.Total.TotalSeconds:0.##} s", true);
    }

    public void Dispose() => socket.Dispose();
}
