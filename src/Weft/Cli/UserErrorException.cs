namespace Weft.Cli;

/// <summary>
/// An expected problem the user can fix (not initialised, daemon not running, bad input file...).
/// The CLI prints it as one line, <c>weft: message</c>, and exits with code 1; never a stack trace.
/// </summary>
internal sealed class UserErrorException : Exception
{
    public UserErrorException(string message)
        : base(message)
    {
    }

    public UserErrorException()
    {
    }

    public UserErrorException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
