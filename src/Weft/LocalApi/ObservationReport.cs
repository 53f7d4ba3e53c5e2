namespace Weft.LocalApi;

/// <summary>One member's view of us in a netcheck: the member endpoint our ping went to and our source as it saw it.</summary>
internal sealed record ObservationReport(string Member, string MemberEndpoint, string Observed);
