namespace Weft.Core.Mesh;

/// <summary>A snapshot of what a <see cref="LinkStateDatabase"/> accepted and refused, by reason.</summary>
public sealed record LinkStateDatabaseCounters(
    long Accepted,
    long Duplicate,
    long Stale,
    long Malformed,
    long BadSignature,
    long UntrustedCertificate,
    long OriginMismatch,
    long FromSelf,
    long Expired,
    long Removed)
{
    /// <summary>Adverts refused as forged or invalid (not counting harmless duplicates and stale copies).</summary>
    public long Rejected => Malformed + BadSignature + UntrustedCertificate + OriginMismatch + Expired;
}
