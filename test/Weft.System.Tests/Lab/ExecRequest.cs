namespace Weft.SystemTests.Lab;

/// <summary>
/// A command for <see cref="NetworkLab.ExecAsync(ExecRequest)"/>: where it runs (a namespace, or the
/// host namespace when null), its argv, how long it may take, what it reads on standard input, and
/// whether the lab should keep it out of the test log (for polls that run many times).
/// </summary>
public sealed record ExecRequest(string? Namespace, IReadOnlyList<string> Argv)
{
    public TimeSpan Timeout { get; init; } = NetworkLab.DefaultTimeout;

    public string? Input { get; init; }

    public bool Quiet { get; init; }
}
