namespace Weft.Core.Offload;

/// <summary>
/// Where <see cref="GroCoalescer.Flush"/> hands each frame it emits: a 10-byte <see cref="VirtioNetHeader"/> followed
/// by one IP packet (a coalesced TCP super-packet, or a packet as it came with a zero header) — exactly what one
/// write(2) to a TUN device with IFF_VNET_HDR takes. The span is valid only during the call.
/// </summary>
public interface IGroSink
{
    /// <summary>Takes one frame: virtio-net header, then the IP packet.</summary>
    void Emit(ReadOnlySpan<byte> frame);
}
