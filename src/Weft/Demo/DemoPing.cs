using Weft.Cli;

namespace Weft.Demo;

/// <summary>The result of one <c>weft ping</c> between two demo nodes: the summary it printed, or why there is none.</summary>
internal sealed record DemoPing(DemoNode From, DemoNode To, PingSummary? Summary, string? Problem)
{
    public bool Answered => Summary is { Received: > 0 };
}
