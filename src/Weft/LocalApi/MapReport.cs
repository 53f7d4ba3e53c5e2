namespace Weft.LocalApi;

/// <summary>
/// What <c>GET /v1/map</c> returns and <c>weft map --json</c> prints: the mesh topology this node
/// knows from link-state adverts (its own node included, marked <see cref="MapNodeReport.Self"/>).
/// Links are directional, as each origin advertises its own neighbours and costs.
/// </summary>
internal sealed record MapReport(IReadOnlyList<MapNodeReport> Nodes, IReadOnlyList<MapLinkReport> Links);
