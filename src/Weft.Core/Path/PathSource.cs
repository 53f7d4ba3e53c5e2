namespace Weft.Core.Paths;

/// <summary>How a path candidate became known (several may apply).</summary>
[Flags]
public enum PathSource
{
    None = 0,

    /// <summary>A static peer's <c>host:port</c> from configuration or the command line.</summary>
    Config = 1,

    /// <summary>A hello request or reply came from it.</summary>
    Hello = 2,

    /// <summary>An authenticated WireGuard message came from it (the peer roamed there, or uses it to reach us).</summary>
    Roaming = 4,

    /// <summary>A TCP/TLS connection (ours or the peer's).</summary>
    Stream = 8,

    /// <summary>The mesh routes to the peer through relays.</summary>
    Relay = 16,

    /// <summary>LAN discovery or the peer cache.</summary>
    Discovery = 32,

    /// <summary>
    /// Offered by the peer in call me maybe (NAT traversal). Never probed in the background until proven: only in an
    /// attempt's probe burst (probing it outside attempts would keep refreshing a poisoned router's entry).
    /// </summary>
    CallMeMaybe = 64,
}
