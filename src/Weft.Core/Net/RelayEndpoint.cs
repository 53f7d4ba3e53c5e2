using Weft.Core.Identity;

namespace Weft.Core.Net;

/// <summary>"Send it as a relay envelope toward this node": the way to a member with no direct path.</summary>
public sealed class RelayEndpoint(NodeId destination) : Endpoint
{
    /// <summary>The node the envelope is addressed to (the far end of the session).</summary>
    public NodeId Destination { get; } = destination;

    public override TransportKind Kind => TransportKind.Relay;

    public override bool Equals(Endpoint? other) => other is RelayEndpoint relay && relay.Destination.Equals(Destination);

    public override int GetHashCode() => Destination.GetHashCode();

    public override string ToString() => "relay " + Destination;
}
