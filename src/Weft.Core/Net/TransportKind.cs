namespace Weft.Core.Net;

/// <summary>How a WireGuard datagram travels to or from a peer.</summary>
public enum TransportKind : byte
{
    /// <summary>One UDP datagram per WireGuard message (the normal case).</summary>
    Udp,

    /// <summary>A TCP connection carrying length-framed datagrams.</summary>
    Tcp,

    /// <summary>A TLS-over-TCP connection carrying length-framed datagrams (port 443 gets out of strict networks).</summary>
    Tls,

    /// <summary>Inside relay envelopes, hop by hop through other members.</summary>
    Relay,
}
