using System.Net;
using Weft.Core.Net;

namespace Weft.Core.Paths;

/// <summary>
/// An endpoint as a peer observed it (carried in pongs): the transport and, for direct transports,
/// the address and port the peer saw our message come from — our reflexive address behind NAT.
/// </summary>
public sealed record ObservedEndpoint(TransportKind Kind, IPEndPoint? Address)
{
    public override string ToString() => Address is null ? Kind.ToString().ToLowerInvariant() : $"{Kind.ToString().ToLowerInvariant()} {Address}";
}
