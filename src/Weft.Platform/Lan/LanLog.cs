using Microsoft.Extensions.Logging;

namespace Weft.Platform.Lan;

/// <summary>The LAN announcer's log messages, source-generated, with fixed event ids 3400–3409.</summary>
internal static partial class LanLog
{
    [LoggerMessage(EventId = 3400, Level = LogLevel.Information, Message = "LAN discovery on {Interface}: beacons to [{Group}]:{Ports}")]
    public static partial void Joined(ILogger logger, LanInterface @interface, string group, string ports);

    [LoggerMessage(EventId = 3401, Level = LogLevel.Information, Message = "LAN discovery: interface {Interface} is gone")]
    public static partial void Left(ILogger logger, LanInterface @interface);

    [LoggerMessage(EventId = 3402, Level = LogLevel.Debug, Message = "LAN discovery: cannot join the beacon group on {Interface}; will try again")]
    public static partial void JoinFailed(ILogger logger, LanInterface @interface);

    [LoggerMessage(EventId = 3403, Level = LogLevel.Information, Message = "LAN discovery: no usable interface yet (up, multicast, IPv6 link-local{Filter})")]
    public static partial void NoInterface(ILogger logger, string filter);
}
