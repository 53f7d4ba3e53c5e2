namespace Weft.Core.Node;

/// <summary>A node this node turned away: who (as its certificate claims), from where, why, when and how often.</summary>
public sealed record RefusalStatus(
    string Name,
    string NodeId,
    string Source,
    string Reason,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    int Count);
