using System.Collections.Concurrent;
using System.Net;
using Weft.Core.Net;
using Xunit;

namespace Weft.Platform.Tests.Streams;

/// <summary>
/// An <see cref="IStreamHandler"/> that records every event (datagrams copied) so tests can wait
/// for them; <see cref="OnDatagram"/> replaces the copying for allocation measurements.
/// </summary>
internal sealed class RecordingStreamHandler : IStreamHandler
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public BlockingCollection<StreamConnection> Connected { get; } = [];

    public BlockingCollection<(byte[] Data, StreamConnection Connection)> Datagrams { get; } = [];

    public BlockingCollection<StreamConnection> Closed { get; } = [];

    public BlockingCollection<(IPEndPoint Remote, TransportKind Kind, string Reason)> Failed { get; } = [];

    private long _received;

    /// <summary>Datagrams received so far (recorded or given to <see cref="OnDatagram"/>).</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>When set, called instead of recording datagrams (must not allocate if measured).</summary>
    public Action<Span<byte>, StreamConnection>? OnDatagram { get; set; }

    public void OnStreamConnected(StreamConnection connection) => Connected.Add(connection);

    public void OnStreamDatagram(Span<byte> datagram, StreamConnection connection)
    {
        Interlocked.Increment(ref _received);
        if (OnDatagram is { } callback)
        {
            callback(datagram, connection);
        }
        else
        {
            Datagrams.Add((datagram.ToArray(), connection));
        }
    }

    public void OnStreamClosed(StreamConnection connection) => Closed.Add(connection);

    public void OnStreamConnectFailed(IPEndPoint remote, TransportKind kind, string reason) => Failed.Add((remote, kind, reason));

    /// <summary>
    /// Paces a sender: waits (yielding, allocation-free) until at most <paramref name="window"/> of the
    /// <paramref name="sent"/> datagrams are still in flight, so a fast loop never meets the congestion drop.
    /// </summary>
    public void WaitForWindow(long sent, long window)
    {
        var start = Environment.TickCount64;
        while (sent - Interlocked.Read(ref _received) > window)
        {
            if (Environment.TickCount64 - start > 30_000)
            {
                throw new TimeoutException($"receiver stuck at {Received} of {sent}");
            }

            Thread.Yield();
        }
    }

    public StreamConnection NextConnected()
    {
        Assert.True(Connected.TryTake(out var connection, Wait), "no connection was reported");
        return connection;
    }

    public (byte[] Data, StreamConnection Connection) NextDatagram()
    {
        Assert.True(Datagrams.TryTake(out var datagram, Wait), "no datagram arrived");
        return datagram;
    }

    public StreamConnection NextClosed()
    {
        Assert.True(Closed.TryTake(out var connection, Wait), "no close was reported");
        return connection;
    }

    public (IPEndPoint Remote, TransportKind Kind, string Reason) NextFailed()
    {
        Assert.True(Failed.TryTake(out var failure, Wait), "no connect failure was reported");
        return failure;
    }
}
