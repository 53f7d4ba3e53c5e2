using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Weft.Daemon;
using Weft.LocalApi;
using Weft.Platform.PortMapping;
using Xunit;

namespace Weft.Cli.Tests;

/// <summary>
/// The daemon's port mapping against a scripted NAT-PMP gateway on a loopback address: mapped → the node gets the
/// external endpoint and one log line; silent router → one line with the reason, state kept; renewal failing past
/// expiry → the node is told the mapping is gone; stop → a delete request (lifetime 0) reaches the router.
/// </summary>
public sealed class PortMappingKeeperTests
{
    private const int ListenPort = 51820;
    private static readonly IPAddress External = IPAddress.Parse("198.18.3.2");

    private static PortMapper Mapper(IPAddress gateway) => new(gateway, new PortMapperOptions
    {
        TryPcp = false,
        TryUpnp = false,
        Retransmit = new RetransmitSchedule(TimeSpan.FromMilliseconds(50), 2),
    });

    [Fact]
    public async Task A_mapping_reaches_the_node_is_logged_once_and_is_deleted_on_stop()
    {
        using var gateway = new NatPmpGateway(lifetimeSeconds: 7200);
        var mapped = new ConcurrentQueue<IPEndPoint?>();
        var log = new LineLogger();
        using var mapper = Mapper(gateway.Address);
        using var keeper = new PortMappingKeeper(mapper, ListenPort, mapped.Enqueue, TimeProvider.System, log);
        Assert.Equal(PortMappingReport.StillTrying, keeper.Report);

        keeper.Start();
        await Until(() => keeper.Report.Available is not null);

        Assert.Equal(new PortMappingReport(true, "nat-pmp", $"{External}:{ListenPort}", null), keeper.Report);
        Assert.Equal([new IPEndPoint(External, ListenPort)], mapped);
        Assert.Equal([$"Information port mapping: NAT-PMP {External}:{ListenPort} on gateway {gateway.Address}"], log.Lines);

        await keeper.StopAsync();
        Assert.Contains(gateway.MapRequests, r => r.InternalPort == ListenPort && r.Lifetime == 0);
        Assert.Equal($"Information port mapping removed: NAT-PMP {External}:{ListenPort} on gateway {gateway.Address}", log.Lines[^1]);
        Assert.False(keeper.Report.Available);
    }

    [Fact]
    public async Task A_silent_router_is_one_line_with_the_reason_and_the_node_gets_nothing()
    {
        using var gateway = new NatPmpGateway(lifetimeSeconds: 7200) { Silent = true };
        var mapped = new ConcurrentQueue<IPEndPoint?>();
        var log = new LineLogger();
        using var mapper = Mapper(gateway.Address);
        using var keeper = new PortMappingKeeper(mapper, ListenPort, mapped.Enqueue, TimeProvider.System, log);

        keeper.Start();
        await Until(() => keeper.Report.Available is not null);

        var report = keeper.Report;
        Assert.False(report.Available);
        Assert.Null(report.Protocol);
        Assert.StartsWith("NAT-PMP: ", report.Error, StringComparison.Ordinal);
        Assert.Empty(mapped);
        Assert.Equal([$"Information port mapping unavailable: {report.Error}"], log.Lines);

        await keeper.StopAsync(); // nothing to remove: returns at once, sends nothing
        Assert.DoesNotContain(gateway.MapRequests, r => r.Lifetime == 0);
    }

    [Fact]
    public async Task A_mapping_that_expires_without_renewal_is_taken_back_from_the_node()
    {
        // The router grants 2 s, then stops answering: the renewal at 1 s fails, the re-map after expiry fails too.
        using var gateway = new NatPmpGateway(lifetimeSeconds: 2);
        var mapped = new ConcurrentQueue<IPEndPoint?>();
        var log = new LineLogger();
        using var mapper = Mapper(gateway.Address);
        using var keeper = new PortMappingKeeper(mapper, ListenPort, mapped.Enqueue, TimeProvider.System, log);
        keeper.Start();
        await Until(() => keeper.Report.Available is not null);
        Assert.True(keeper.Report.Available);
        gateway.Silent = true;

        await Until(() => mapped.Count == 2, TimeSpan.FromSeconds(15));
        Assert.Equal([new IPEndPoint(External, ListenPort), null], mapped);
        Assert.False(keeper.Report.Available);
        Assert.Contains(log.Lines, l => l.StartsWith("Warning port mapping lost: NAT-PMP: ", StringComparison.Ordinal));
        await keeper.StopAsync();
    }

    private static async Task Until(Func<bool> condition, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>A NAT-PMP server (RFC 6886) on 127.x.y.z:5351 that grants every UDP mapping at the suggested port.</summary>
    private sealed class NatPmpGateway : IDisposable
    {
        private readonly Socket socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        private readonly CancellationTokenSource stop = new();
        private readonly uint lifetimeSeconds;

        public NatPmpGateway(uint lifetimeSeconds)
        {
            this.lifetimeSeconds = lifetimeSeconds;
            Address = new IPAddress([127, 31, (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(1, 255)]);
            socket.Bind(new IPEndPoint(Address, 5351));
            _ = Task.Run(ServeAsync);
        }

        public IPAddress Address { get; }

        public volatile bool Silent;

        public ConcurrentQueue<(int InternalPort, uint Lifetime)> MapRequests { get; } = new();

        public void Dispose()
        {
            stop.Cancel();
            socket.Dispose();
            stop.Dispose();
        }

        private async Task ServeAsync()
        {
            var buffer = new byte[64];
            while (true)
            {
                SocketReceiveFromResult received;
                try
                {
                    received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    return;
                }

                var request = buffer.AsSpan(0, received.ReceivedBytes);
                byte[] answer;
                if (request.Length == 2 && request[0] == 0 && request[1] == 0)
                {
                    answer = new byte[12];
                    answer[1] = 128;
                    BinaryPrimitives.WriteUInt32BigEndian(answer.AsSpan(4), 1000);
                    External.TryWriteBytes(answer.AsSpan(8), out _);
                }
                else if (request.Length == 12 && request[0] == 0 && request[1] == 1)
                {
                    var internalPort = BinaryPrimitives.ReadUInt16BigEndian(request[4..]);
                    var suggested = BinaryPrimitives.ReadUInt16BigEndian(request[6..]);
                    var lifetime = BinaryPrimitives.ReadUInt32BigEndian(request[8..]);
                    MapRequests.Enqueue((internalPort, lifetime));
                    answer = new byte[16];
                    answer[1] = 129;
                    BinaryPrimitives.WriteUInt32BigEndian(answer.AsSpan(4), 1000);
                    BinaryPrimitives.WriteUInt16BigEndian(answer.AsSpan(8), internalPort);
                    BinaryPrimitives.WriteUInt16BigEndian(answer.AsSpan(10), lifetime == 0 ? (ushort)0 : suggested);
                    BinaryPrimitives.WriteUInt32BigEndian(answer.AsSpan(12), lifetime == 0 ? 0 : Math.Min(lifetime, lifetimeSeconds));
                }
                else
                {
                    continue;
                }

                if (!Silent)
                {
                    await socket.SendToAsync(answer, SocketFlags.None, received.RemoteEndPoint);
                }
            }
        }
    }

    /// <summary>A logger that keeps "Level message" lines.</summary>
    private sealed class LineLogger : ILogger
    {
        private readonly List<string> lines = [];

        public List<string> Lines
        {
            get
            {
                lock (lines)
                {
                    return [.. lines];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                lock (lines)
                {
                    lines.Add($"{logLevel} {formatter(state, exception)}");
                }
            }
        }
    }
}
