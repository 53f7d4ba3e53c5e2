namespace Weft.SystemTests.Lab;

/// <summary>One peer as <c>weft status --json</c> shows it (read by <see cref="WeftStatus"/>).</summary>
public sealed record WeftPeerStatus(
    string Name,
    string Kind,
    string? NodeId,
    string? PublicKey,
    string? Ipv4,
    string? Ipv6,
    string? Endpoint,
    DateTimeOffset? LastHandshake,
    long RxBytes,
    long TxBytes,
    bool Verified,
    string? Problem)
{
    /// <summary>A verified peer that has completed a handshake.</summary>
    public bool IsConnected => Verified && LastHandshake is not null;
}
