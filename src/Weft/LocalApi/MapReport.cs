namespace Weft.LocalApi;

/// <summary>
/// What <c>GET /v1/map</c> returns and <c>weft map --json</c> prints: the mesh topology this node
/// knows from link-state adverts (its own node included, marked <see cref="MapNodeReport.Self"/>).
/// Links are as the node reports them: each link both ends advertise, once, with its cost.
/// </summary>
internal sealed record MapReport(IReadOnlyList<MapNodeReport> Nodes, IReadOnlyList<MapLinkReport> Links);
