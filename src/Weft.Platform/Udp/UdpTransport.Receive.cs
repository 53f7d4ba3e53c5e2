using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Weft.Platform.Internal;
using Weft.Platform.Linux;
using Weft.Platform.Udp;

namespace Weft.Platform;

/// <summary>The receive side of <see cref="UdpTransport"/>: one thread, recvmmsg into preallocated buffers, UDP GRO split.</summary>
public sealed partial class UdpTransport
{
    /// <summary>Messages per recvmmsg call.</summary>
    internal const int ReceiveBatchSize = 32;

    /// <summary>Bytes per received message: the largest datagram, or the largest GRO-coalesced buffer (64 KiB).</summary>
    internal const int ReceiveSlotSize = 65536;

    // Receive counters: written by the receive thread only (Interlocked once per batch), read by anyone.
    private long _receiveCalls;
    private long _groDatagramsReceived;

    /// <summary>True when the socket delivers UDP GRO-coalesced buffers (set at start; the receive loop splits them).</summary>
    public bool GroEnabled { get; }

    /// <summary>recvmmsg calls that returned datagrams: <see cref="DatagramsReceived"/> / this is the batching achieved.</summary>
    public long ReceiveCalls => Interlocked.Read(ref _receiveCalls);

    /// <summary>Datagrams that arrived coalesced with others in one UDP GRO buffer.</summary>
    public long GroDatagramsReceived => Interlocked.Read(ref _groDatagramsReceived);

    /// <summary>
    /// Starts the receive thread, which calls <paramref name="handler"/> for each datagram until
    /// <see cref="Dispose"/>. An exception from the handler is a bug: it ends the process, as an
    /// unhandled exception on any thread does. Call once.
    /// </summary>
    public void StartReceiving(DatagramHandler handler) => StartReceiving(handler, null);

    /// <summary>
    /// Starts the receive thread, which calls <paramref name="handler"/> for each datagram and then, once all
    /// datagrams of one receive system call were handed out, <paramref name="afterBatch"/> (on the same thread; the
    /// daemon flushes its coalesced TUN writes there). Runs until <see cref="Dispose"/>. An exception from either is
    /// a bug: it ends the process. Call once.
    /// </summary>
    public void StartReceiving(DatagramHandler handler, Action? afterBatch)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.CompareExchange(ref _handler, handler, null) is not null)
        {
            throw new InvalidOperationException("StartReceiving was already called");
        }

        _afterBatch = afterBatch;
        _receiveThread = new Thread(ReceiveLoop) { IsBackground = true, Name = $"weft udp rx :{LocalPort}" };
        _receiveThread.Start();
    }

    private bool EnableGro()
    {
        Span<byte> on = stackalloc byte[sizeof(int)];
        MemoryMarshal.Write(on, 1);
        try
        {
            _socket.SetRawSocketOption(Interop.SOL_UDP, Interop.UDP_GRO, on);
            return true;
        }
        catch (SocketException)
        {
            return false; // ENOPROTOOPT before Linux 5.0: one datagram per message, as without offloads
        }
    }

    private void ReceiveLoop()
    {
        var handler = _handler!;
        var afterBatch = _afterBatch;
        var sources = new ReceivedEndpointCache();
        using var messages = new ReceiveMessages(ReceiveBatchSize, ReceiveSlotSize);
        while (Volatile.Read(ref _disposed) == 0)
        {
            int count = ReceiveBatch(messages);
            if (count <= 0 || Volatile.Read(ref _disposed) != 0)
            {
                continue;
            }

            long delivered = 0, coalesced = 0, errors = 0;
            for (int i = 0; i < count; i++)
            {
                if ((messages.Flags(i) & (Interop.MSG_TRUNC | Interop.MSG_CTRUNC)) != 0)
                {
                    errors++; // cut short: the datagram (or where its GRO segments split) is unknown
                    continue;
                }

                var source = sources.Get(messages.Source(i));
                var data = messages.Datagrams(i);
                int segment = GroEnabled ? messages.GroSegmentSize(i) : 0;
                if (segment <= 0 || data.Length <= segment)
                {
                    handler(data, source);
                    delivered++;
                    continue;
                }

                for (int offset = 0; offset < data.Length; offset += segment)
                {
                    handler(data.Slice(offset, Math.Min(segment, data.Length - offset)), source);
                    delivered++;
                    coalesced++;
                }
            }

            Interlocked.Increment(ref _receiveCalls);
            Interlocked.Add(ref _datagramsReceived, delivered);
            if (coalesced != 0)
            {
                Interlocked.Add(ref _groDatagramsReceived, coalesced);
            }

            if (errors != 0)
            {
                Interlocked.Add(ref _receiveErrors, errors);
            }

            afterBatch?.Invoke();
        }
    }

    /// <summary>
    /// One recvmmsg: blocks for the first datagram, takes what else is queued, returns how many messages were filled
    /// (0 after an error, counted, or at dispose). A non-blocking descriptor (EAGAIN) waits in poll(2) instead.
    /// </summary>
    private unsafe int ReceiveBatch(ReceiveMessages messages)
    {
        try
        {
            while (true)
            {
                messages.Reset();
                int count = Interop.RecvMmsg(_socket.SafeHandle, messages.Headers, (uint)messages.Count, Interop.MSG_WAITFORONE, null);
                if (count >= 0)
                {
                    return count;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (Volatile.Read(ref _disposed) != 0)
                {
                    return 0;
                }

                if (errno == Interop.Errno.EINTR)
                {
                    continue;
                }

                if (errno == Interop.Errno.EAGAIN)
                {
                    Span<Interop.PollFd> poll = [new Interop.PollFd { Fd = (int)_socket.Handle, Events = Interop.POLLIN }];
                    Interop.Poll(poll, 1, -1);
                    continue;
                }

                Interlocked.Increment(ref _receiveErrors);
                return 0;
            }
        }
        catch (ObjectDisposedException)
        {
            return 0;
        }
    }
}
