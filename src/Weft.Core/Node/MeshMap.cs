namespace Weft.Core.Node;

/// <summary>The topology a node knows from link-state adverts, for <c>weft map</c> and GET /v1/map.</summary>
public sealed record MeshMap(IReadOnlyList<MapNode> Nodes, IReadOnlyList<MapLink> Links);
