namespace Weft.LocalApi;

/// <summary>
/// One advertised link in a <see cref="MapReport"/>: <see cref="From"/> and <see cref="To"/> reach
/// each other directly at <see cref="CostMs"/> (the measured RTT). Both ends are node IDs.
/// </summary>
internal sealed record MapLinkReport(string From, string To, double CostMs);
