namespace Weft.LocalApi;

/// <summary>
/// What the backend makes of one ping request: a <see cref="Reply"/>, or an <see cref="Error"/>
/// saying the target is unknown (404), or neither: no answer in time (504).
/// </summary>
internal sealed record PingOutcome(PingReport? Reply, string? Error)
{
    public static PingOutcome Replied(PingReport reply) => new(reply, null);

    public static PingOutcome UnknownTarget(string error) => new(null, error);

    public static PingOutcome NoReply { get; } = new(null, null);
}
