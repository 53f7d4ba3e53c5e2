using Microsoft.Extensions.Logging;

namespace Weft.LocalApi;

/// <summary>The local API's log messages, source-generated, event ids 1100–1119.</summary>
internal static partial class LocalApiLog
{
    [LoggerMessage(1100, LogLevel.Error, "Local API {Method} {Path} failed")]
    public static partial void RequestFailed(ILogger logger, string method, string path, Exception exception);
}
