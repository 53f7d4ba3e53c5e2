using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Weft.Platform.Tests.PortMapping;

/// <summary>
/// A NAT-PMP/PCP server on a loopback address's port 5351 whose answers the test writes: it records
/// every request and replies with whatever <c>answer</c> returns (null = stay silent).
/// </summary>
internal sealed class FakeGateway : IDisposable
{
    private readonly Socket socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    public FakeGateway(IPAddress address, Func<byte[], byte[]?> answer)
    {
        Address = address;
        socket.Bind(new IPEndPoint(address, 5351));
        loop = Task.Run(async () =>
        {
            var buffer = new byte[1100];
            while (!stop.IsCancellationRequested)
            {
                SocketReceiveFromResult received;
                try
                {
                    received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                var request = buffer.AsSpan(0, received.ReceivedBytes).ToArray();
                Requests.Enqueue(request);
                if (answer(request) is { } reply)
                {
                    await socket.SendToAsync(reply, SocketFlags.None, received.RemoteEndPoint);
                }
            }
        });
    }

    public IPAddress Address { get; }

    public ConcurrentQueue<byte[]> Requests { get; } = new();

    public void Dispose()
    {
        stop.Cancel();
        socket.Dispose();
        try
        {
            loop.Wait(2000);
        }
        catch (AggregateException)
        {
        }

        stop.Dispose();
    }
}
