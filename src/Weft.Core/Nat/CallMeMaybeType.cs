namespace Weft.Core.Nat;

/// <summary>The steps of a NAT traversal attempt, as carried in a <see cref="CallMeMaybeMessage"/>.</summary>
public enum CallMeMaybeType : byte
{
    /// <summary>Initiator → responder: my candidates; please prime, then reply.</summary>
    Request = 1,

    /// <summary>Responder → initiator: primed (and swept if needed); my candidates.</summary>
    Reply = 2,

    /// <summary>Initiator → responder: primed (and swept if needed); probe now.</summary>
    Go = 3,

    /// <summary>The sweep is done (reserved: a sweep always precedes the Reply or Go that follows it, which implies it).</summary>
    Swept = 4,
}
