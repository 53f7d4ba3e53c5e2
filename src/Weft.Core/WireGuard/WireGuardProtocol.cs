namespace Weft.Core.WireGuard;

/// <summary>
/// The constants of the WireGuard protocol: Noise names, mac labels, and the timer and message
/// limits of the WireGuard paper (section 6).
/// </summary>
internal static class WireGuardProtocol
{
    public const string Construction = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s";
    public const string Identifier = "WireGuard v1 zx2c4 Jason@zx2c4.com";
    public const string LabelMac1 = "mac1----";
    public const string LabelCookie = "cookie--";

    public const ulong RekeyAfterMessages = 1UL << 60;
    public const ulong RejectAfterMessages = ulong.MaxValue - (1UL << 13);   // 2^64 - 2^13 - 1

    public static readonly TimeSpan RekeyAfterTime = TimeSpan.FromSeconds(120);
    public static readonly TimeSpan RejectAfterTime = TimeSpan.FromSeconds(180);
    public static readonly TimeSpan RekeyAttemptTime = TimeSpan.FromSeconds(90);
    public static readonly TimeSpan RekeyTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan RekeyTimeoutJitterMax = TimeSpan.FromMilliseconds(333);
    public static readonly TimeSpan KeepaliveTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan CookieRefreshTime = TimeSpan.FromSeconds(120);

    /// <summary>An initiation from a peer closer than this to its previous one is dropped (flood protection).</summary>
    public static readonly TimeSpan InitiationMinimumInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Handshake attempts before giving up: REKEY_ATTEMPT_TIME / REKEY_TIMEOUT.</summary>
    public const int MaxHandshakeAttempts = 18;

    /// <summary>Packets held per peer while no session exists.</summary>
    public const int SendQueueCapacity = 64;
}
