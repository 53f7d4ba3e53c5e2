using System.Net;
using Weft.Core.Identity;
using Weft.Core.Mesh;

namespace Weft.Core.Node;

/// <summary>Inspection of the mesh: the map known from adverts, and resolving a member's name or address to its node ID.</summary>
public sealed partial class MeshNode
{
    /// <summary>
    /// Every member known from adverts (this node included) with its name and addresses from its
    /// certificate, and every link both ends advertise, with its cost in milliseconds.
    /// </summary>
    public MeshMap GetMap()
    {
        var adverts = linkState.Snapshot();
        var nodes = new List<MapNode>(adverts.Count + 1);
        var links = new List<MapLink>();
        var selfListed = false;
        var byOrigin = new Dictionary<NodeId, LinkStateAdvert>(adverts.Count);
        foreach (var advert in adverts)
        {
            byOrigin[advert.Origin] = advert;
        }

        foreach (var advert in adverts)
        {
            var self = advert.Origin == keys.NodeId;
            selfListed |= self;
            nodes.Add(Describe(advert.Certificate, advert.RelayWilling, self));
            foreach (var link in advert.Neighbours)
            {
                if (NodeIdOrder.Instance.Compare(advert.Origin, link.Node) < 0 && byOrigin.TryGetValue(link.Node, out var other)
                    && other.Neighbours.FirstOrDefault(n => n.Node == advert.Origin) is { Cost: > 0 } back)
                {
                    var cost = Math.Max(link.Cost, back.Cost) * LinkStateNeighbour.CostUnit.TotalMilliseconds;
                    links.Add(new MapLink(advert.Origin.ToString(), link.Node.ToString(), cost));
                }
            }
        }

        if (!selfListed)
        {
            nodes.Add(Describe(certificate, options.Relay, self: true));
        }

        return new MeshMap(nodes, links);
    }

    /// <summary>
    /// The node ID of the member called <paramref name="nameOrIp"/> (its certificate name, with or
    /// without the mesh domain; one of its mesh addresses; or its node ID in hex), from the
    /// certificates known through sessions and adverts; null when none matches.
    /// </summary>
    public NodeId? ResolvePeer(string nameOrIp)
    {
        ArgumentNullException.ThrowIfNull(nameOrIp);
        var text = nameOrIp.Trim().TrimEnd('.');
        if (NodeId.TryParse(text.ToLowerInvariant(), out var id))
        {
            return id;
        }

        var suffix = "." + ca.Domain.TrimEnd('.');
        if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
        {
            text = text[..^suffix.Length];
        }

        IPAddress.TryParse(text, out var address);
        var known = new List<Certificate> { certificate };
        lock (gate)
        {
            foreach (var peer in peers)
            {
                if (peer.Verified && !peer.Removed && peer.Certificate is { } cert)
                {
                    known.Add(cert);
                }
            }
        }

        foreach (var advert in linkState.Snapshot())
        {
            known.Add(advert.Certificate);
        }

        foreach (var cert in known)
        {
            if (address is not null ? cert.Owns(address) : string.Equals(cert.Name, text, StringComparison.OrdinalIgnoreCase))
            {
                return cert.NodeId;
            }
        }

        return null;
    }

    private static MapNode Describe(Certificate cert, bool relay, bool self) =>
        new(cert.NodeId.ToString(), cert.Name, cert.Ipv4.Count > 0 ? cert.Ipv4[0].Address.ToString() : null, cert.Ipv6.ToString(), relay, self);
}
