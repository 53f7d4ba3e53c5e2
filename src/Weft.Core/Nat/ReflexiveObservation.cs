using System.Net;

namespace Weft.Core.Nat;

/// <summary>
/// One member's view of us: which of its endpoints we pinged (<paramref name="MemberEndpoint"/>), and where it saw
/// our ping come from (<paramref name="Observed"/>, our reflexive endpoint toward it).
/// </summary>
/// <param name="Member">The member's name.</param>
/// <param name="MemberEndpoint">The member's public UDP endpoint the ping went to.</param>
/// <param name="Observed">The source of our ping as the member saw it.</param>
public sealed record ReflexiveObservation(string Member, IPEndPoint MemberEndpoint, IPEndPoint Observed);
