namespace Weft.Core.Node;

/// <summary>A link both ends advertise (From &lt; To by node ID), with its cost as a round-trip time in milliseconds.</summary>
public sealed record MapLink(string From, string To, double CostMs);
