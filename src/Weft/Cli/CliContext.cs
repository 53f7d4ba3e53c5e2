namespace Weft.Cli;

/// <summary>
/// The outside world of one CLI invocation: where output and errors go, where "-" reads from, the
/// clock and the host name. <see cref="Program"/> passes the real console; tests pass string
/// writers, a manual clock and a fixed host name, and run commands in process.
/// </summary>
internal sealed class CliContext
{
    public CliContext(TextWriter output, TextWriter error, TextReader input, TimeProvider time, string hostName)
    {
        Out = output;
        Error = error;
        In = input;
        Time = time;
        HostName = hostName;
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public TextReader In { get; }

    public TimeProvider Time { get; }

    /// <summary>This machine's name: the default node name and the default WireGuard endpoint host.</summary>
    public string HostName { get; }

    public static CliContext FromConsole() =>
        new(Console.Out, Console.Error, Console.In, TimeProvider.System, Environment.MachineName);

    /// <summary>Reads a file, or standard input for "-"; a missing file is a user error.</summary>
    public string ReadFileOrStdin(string path)
    {
        if (path == "-")
        {
            return In.ReadToEnd();
        }

        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"cannot read {path}: {e.Message}", e);
        }
    }
}
