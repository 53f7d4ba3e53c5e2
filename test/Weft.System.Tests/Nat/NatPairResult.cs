using System.Globalization;

namespace Weft.SystemTests.Nat;

/// <summary>
/// What the matrix measured for one pair of router kinds: whether the path went direct (on both
/// members) and how long after the first ping, the last paths both sides showed, and the pings.
/// </summary>
public sealed record NatPairResult(NatKind A, NatKind B, TimeSpan? DirectAfter, string? PathAB, string? PathBA, int PingsSent, int PingsAnswered, bool LastPingsAnswered)
{
    /// <summary>Pairs allowed to stay relayed: a UDP-blocked side, or both sides symmetric.</summary>
    public bool MayStayRelayed => A == NatKind.UdpBlocked || B == NatKind.UdpBlocked || (A == NatKind.Symmetric && B == NatKind.Symmetric);

    /// <summary>The matrix cell: "direct 1.2 s" or "relayed".</summary>
    public string Cell => DirectAfter is { } t ? string.Create(CultureInfo.InvariantCulture, $"direct {t.TotalSeconds:F1} s") : "relayed";

    public override string ToString() =>
        $"{NatTruth.Name(A)} x {NatTruth.Name(B)}: {Cell}; paths \"{PathAB}\" / \"{PathBA}\"; pings {PingsAnswered}/{PingsSent} answered{(LastPingsAnswered ? "" : ", the last ones lost")}";
}
