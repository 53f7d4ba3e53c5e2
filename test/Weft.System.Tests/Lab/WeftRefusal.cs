namespace Weft.SystemTests.Lab;

/// <summary>One entry of <c>refused</c> in <c>weft status --json</c>: a node turned away, from where, why, how often.</summary>
public sealed record WeftRefusal(string Name, string Source, string Reason, int Count);
