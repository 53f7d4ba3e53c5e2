using Microsoft.Extensions.Logging;

namespace Weft.Core.Nat;

/// <summary>Log messages of NAT traversal and netcheck (source-generated, event IDs 2500–2549).</summary>
internal static partial class NatLog
{
    [LoggerMessage(EventId = 2500, Level = LogLevel.Information, Message = "Peer {Name}: NAT traversal succeeded (attempt {Attempt:x8}), path now {Path}")]
    public static partial void Succeeded(ILogger logger, string name, uint attempt, string path);

    [LoggerMessage(EventId = 2501, Level = LogLevel.Information, Message = "Peer {Name}: NAT traversal attempt {Attempt:x8} failed ({Reason}); staying relayed, next attempt in {Delay}")]
    public static partial void Failed(ILogger logger, string name, uint attempt, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 2502, Level = LogLevel.Debug, Message = "Peer {Name}: NAT traversal attempt {Attempt:x8} failed again ({Reason}); next attempt in {Delay}")]
    public static partial void FailedAgain(ILogger logger, string name, uint attempt, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 2503, Level = LogLevel.Debug, Message = "Peer {Name}: NAT traversal attempt {Attempt:x8} started ({Role}, our mapping {Mapping}, {Count} candidates)")]
    public static partial void Started(ILogger logger, string name, uint attempt, string role, NatMapping mapping, int count);

    [LoggerMessage(EventId = 2504, Level = LogLevel.Debug, Message = "Call me maybe from {Name} ignored: {Reason}")]
    public static partial void Ignored(ILogger logger, string name, string reason);

    [LoggerMessage(EventId = 2505, Level = LogLevel.Information, Message = "NAT traversal restarted for {Count} relayed peer(s): {Reason}")]
    public static partial void Restarted(ILogger logger, int count, string reason);

    [LoggerMessage(EventId = 2507, Level = LogLevel.Debug, Message = "NAT traversal restarted for {Count} relayed peer(s): our reflexive endpoints changed")]
    public static partial void RestartedReflexive(ILogger logger, int count);

    [LoggerMessage(EventId = 2506, Level = LogLevel.Debug, Message = "Peer {Name}: sweeping {Packets} ports of its hard NAT ({Addresses})")]
    public static partial void Sweeping(ILogger logger, string name, int packets, string addresses);
}
