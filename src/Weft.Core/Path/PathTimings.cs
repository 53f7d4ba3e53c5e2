namespace Weft.Core.Paths;

/// <summary>The clocks of path probing and selection (see <see cref="PeerPaths"/> for the policy).</summary>
public sealed record PathTimings
{
    public static PathTimings Default { get; } = new();

    /// <summary>How often the path in use is pinged (liveness and RTT).</summary>
    public TimeSpan ActiveProbeInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a better-class candidate is pinged while we use a worse path.</summary>
    public TimeSpan UpgradeProbeInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often other candidates are pinged (so a fallback is known to work).</summary>
    public TimeSpan BackgroundProbeInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Probe interval for a candidate that has not answered several pings in a row.</summary>
    public TimeSpan FailingProbeInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>No pong and nothing heard on the path in use for this long: it is dead, move to the next best.</summary>
    public TimeSpan DeadAfter { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The path in use silent this long while the peer speaks from elsewhere on an equal or better path: follow it (roaming).</summary>
    public TimeSpan RoamAfterSilence { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A fallback candidate counts as working if it proved itself within this time.</summary>
    public TimeSpan FallbackFresh { get; init; } = TimeSpan.FromSeconds(12);

    /// <summary>Learned (roaming/hello) candidates silent this long are forgotten.</summary>
    public TimeSpan ForgetAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Pongs in a row a better candidate needs before we upgrade to it (against flapping).</summary>
    public int UpgradePongs { get; init; } = 2;
}
