namespace Weft.Config;

/// <summary>
/// A config file that cannot be used. The message is the complete user-facing sentence, starting
/// with the file name, e.g. <c>weft.json: "mtu" must be between 1280 and 9000, got 70000</c>.
/// </summary>
internal sealed class ConfigException : Exception
{
    public ConfigException(string message)
        : base(message)
    {
    }

    public ConfigException()
    {
    }

    public ConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
