namespace Weft.SystemTests.Lab;

/// <summary>
/// What a finished command left behind: its exit code and everything it printed.
/// <see cref="TimedOut"/> is true when the lab had to kill it at its deadline.
/// </summary>
public sealed record ExecResult(string Command, int ExitCode, string Stdout, string Stderr, bool TimedOut)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;

    /// <summary>A short account for assertion messages and the test log.</summary>
    public override string ToString()
    {
        var status = TimedOut ? "timed out" : $"exit {ExitCode}";
        return $"`{Command}` => {status}\n--- stdout ---\n{Stdout.TrimEnd()}\n--- stderr ---\n{Stderr.TrimEnd()}";
    }
}
