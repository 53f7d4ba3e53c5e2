using Microsoft.Extensions.Logging;

namespace Weft.State;

/// <summary>The peer cache file's log lines (source generated, fixed event IDs 1400+).</summary>
internal static partial class PeerCacheLog
{
    [LoggerMessage(1400, LogLevel.Warning, "peer cache {Path} ignored: {Problem}")]
    public static partial void Ignored(ILogger logger, string path, string problem);

    [LoggerMessage(1401, LogLevel.Warning, "peer cache {Path}: entry {Index} skipped: {Problem}")]
    public static partial void EntrySkipped(ILogger logger, string path, int index, string problem);

    [LoggerMessage(1402, LogLevel.Warning, "cannot write the peer cache {Path}: {Problem}")]
    public static partial void WriteFailed(ILogger logger, string path, string problem);
}
