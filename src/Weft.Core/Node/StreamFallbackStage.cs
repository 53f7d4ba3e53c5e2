namespace Weft.Core.Node;

/// <summary>How far a static peer's transport fallback got in the current hello round (UDP → TCP → TLS:443).</summary>
internal enum StreamFallbackStage
{
    /// <summary>Hellos over UDP only.</summary>
    Udp,

    /// <summary>A TCP connection to host:port was started.</summary>
    Tcp,

    /// <summary>A TLS connection to host:443 was started.</summary>
    Tls,
}
