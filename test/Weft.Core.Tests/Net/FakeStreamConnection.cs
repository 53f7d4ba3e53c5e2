using System.Net;
using Weft.Core.Net;

namespace Weft.Core.Tests.Net;

/// <summary>
/// A stream connection for tests: records what is sent, or delivers it to a paired connection's
/// handler (see <see cref="FakeStreamConnector"/>); can be closed from either side.
/// </summary>
internal sealed class FakeStreamConnection(IPEndPoint remote, TransportKind kind, bool outbound) : StreamConnection
{
    public override TransportKind Kind { get; } = kind;

    public override IPEndPoint Remote { get; } = remote;

    public override bool Outbound { get; } = outbound;

    /// <summary>Every datagram sent on this connection (a copy).</summary>
    public List<byte[]> Sent { get; } = [];

    /// <summary>Where sends go (the other end's handler and connection), if paired.</summary>
    public (IStreamHandler Handler, FakeStreamConnection Connection)? Other { get; set; }

    /// <summary>Deliveries are queued here (by the owner) instead of delivered inside Send, when set.</summary>
    public Action<byte[], IStreamHandler, FakeStreamConnection>? Deliver { get; set; }

    public bool Closed { get; private set; }

    public int Dropped { get; private set; }

    /// <summary>Our own side's handler (told when the connection closes).</summary>
    public IStreamHandler? Owner { get; set; }

    public override void Send(ReadOnlySpan<byte> datagram)
    {
        if (Closed)
        {
            Dropped++;
            return;
        }

        var copy = datagram.ToArray();
        Sent.Add(copy);
        if (Other is { } other)
        {
            if (Deliver is { } deliver)
            {
                deliver(copy, other.Handler, other.Connection);
            }
            else
            {
                other.Handler.OnStreamDatagram(copy, other.Connection);
            }
        }
    }

    public override void Close()
    {
        if (Closed)
        {
            return;
        }

        Closed = true;
        Owner?.OnStreamClosed(this);
        if (Other is { } other)
        {
            other.Connection.Close();
        }
    }
}
