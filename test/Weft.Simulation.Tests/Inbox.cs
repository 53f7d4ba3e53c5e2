using System.Net;
using System.Text;

namespace Weft.Simulation.Tests;

/// <summary>A socket handler that records every datagram with its arrival time, for assertions.</summary>
internal sealed class Inbox(VirtualClock clock)
{
    public List<Received> Items { get; } = [];

    public int Count => Items.Count;

    public DatagramHandler Handler => OnDatagram;

    public IEnumerable<string> Texts => Items.Select(i => Encoding.UTF8.GetString(i.Data));

    private void OnDatagram(Span<byte> datagram, IPEndPoint source) =>
        Items.Add(new Received(clock.Elapsed, datagram.ToArray(), source));

    internal sealed record Received(TimeSpan At, byte[] Data, IPEndPoint Source)
    {
        public string Text => Encoding.UTF8.GetString(Data);
    }
}
