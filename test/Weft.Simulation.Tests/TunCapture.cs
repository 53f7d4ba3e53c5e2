using Weft.Core.Net;

namespace Weft.Simulation.Tests;

/// <summary>An <see cref="ITunWriter"/> that keeps what a node writes to its TUN device.</summary>
internal sealed class TunCapture : ITunWriter
{
    public List<byte[]> Packets { get; } = [];

    public void Write(ReadOnlySpan<byte> ipPacket) => Packets.Add(ipPacket.ToArray());
}
