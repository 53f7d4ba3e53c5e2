namespace Weft.Core.Mesh;

/// <summary>What <see cref="LinkStateDatabase.Offer"/> did with an advert.</summary>
public enum AdvertVerdict
{
    /// <summary>Newer than what we held (or the first from its origin): kept, and to be flooded on.</summary>
    Accepted,

    /// <summary>The same sequence number as the advert we hold (a flooded copy): ignored.</summary>
    Duplicate,

    /// <summary>Older than the advert we hold: ignored.</summary>
    Stale,

    /// <summary>Does not decode, or its expiry is already past or too far ahead.</summary>
    Malformed,

    /// <summary>The signature does not verify with the certificate's signing key (forged or altered).</summary>
    BadSignature,

    /// <summary>The certificate is not valid under the trust store (foreign CA, expired, bad CA signature, ...).</summary>
    UntrustedCertificate,

    /// <summary>The origin field is not the certificate's node ID.</summary>
    OriginMismatch,

    /// <summary>An advert claiming to be from this node that we did not make (or an old one of ours): ignored.</summary>
    FromSelf,

    /// <summary>The advert had expired.</summary>
    Expired,
}
