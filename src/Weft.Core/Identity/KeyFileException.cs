namespace Weft.Core.Identity;

/// <summary>
/// A private key file (node keys, CA key) that cannot be used: missing, unreadable, corrupt, or
/// readable by other users. The message names the file and says what to do; the CLI prints it.
/// </summary>
public sealed class KeyFileException : IOException
{
    public KeyFileException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        FilePath = path;
        Problem = problem;
    }

    public KeyFileException()
        : this("", "unusable key file")
    {
    }

    public KeyFileException(string message)
        : this("", message)
    {
    }

    public KeyFileException(string message, Exception innerException)
        : this("", message, innerException)
    {
    }

    public string FilePath { get; }

    public string Problem { get; }
}
