namespace Weft.Core.Net;

/// <summary>
/// The inside of the tunnel as the core sees it: where decrypted IP packets for this host go.
/// Implemented by the Linux TUN device in Weft.Platform and by a capture in tests.
/// </summary>
/// <remarks>
/// <see cref="Write"/> must not keep a reference to <paramref name="ipPacket"/> after it
/// returns and may be called from several threads at once.
/// </remarks>
public interface ITunWriter
{
    void Write(ReadOnlySpan<byte> ipPacket);
}
