namespace Weft.Platform.Streams;

/// <summary>
/// Limits and timeouts of a <see cref="StreamTransport"/>. The defaults suit a node; tests shorten
/// the timeouts so idle and handshake expiry can be observed in milliseconds.
/// </summary>
public sealed class StreamTransportOptions
{
    /// <summary>The default TLS port of relay nodes (config key <c>tlsPort</c>).</summary>
    public const int DefaultTlsPort = 443;

    /// <summary>Open connections (inbound, outbound and those still connecting) beyond which new ones are refused.</summary>
    public int MaxConnections { get; init; } = 1024;

    /// <summary>An open connection that receives no frame for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>An outbound TCP connect that has not completed after this long fails.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A TLS handshake (either side) that has not completed after this long fails.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A send that cannot hand its frame to the kernel within this long (the peer stopped reading)
    /// closes the connection: part of a frame may have been written, so the stream is no longer framed.
    /// </summary>
    public TimeSpan SendTimeout { get; init; } = TimeSpan.FromSeconds(2);

    public static StreamTransportOptions Default { get; } = new();

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnections, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(IdleTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HandshakeTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SendTimeout, TimeSpan.Zero);
    }
}
