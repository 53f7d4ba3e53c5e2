using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Weft.Daemon;

/// <summary>
/// The daemon's logging: Microsoft.Extensions.Logging's console logger on stderr, one line per
/// message with a UTC timestamp. ASP.NET Core's own chatter is limited to warnings.
/// </summary>
internal static class DaemonLogging
{
    public static void Configure(ILoggingBuilder logging, LogLevel minimum)
    {
        logging.SetMinimumLevel(minimum);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
            options.UseUtcTimestamp = true;
            options.IncludeScopes = false;
            options.ColorBehavior = LoggerColorBehavior.Disabled;
        });
    }

    public static ILoggerFactory Create(LogLevel minimum) => LoggerFactory.Create(logging => Configure(logging, minimum));
}
