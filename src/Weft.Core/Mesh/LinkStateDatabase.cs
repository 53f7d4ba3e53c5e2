using Weft.Core.Identity;

namespace Weft.Core.Mesh;

/// <summary>
/// The newest verified link-state advert of every origin this node has heard of, and nothing
/// else: an advert is kept only when its signature verifies with its certificate's signing key,
/// the certificate is valid under the <see cref="TrustStore"/> (right CA, within its validity),
/// the certificate's node ID is the advert's origin, and it is newer than what we hold.
/// Expired adverts are dropped by <see cref="RemoveExpired"/>.
/// </summary>
/// <remarks>
/// Thread-safe: state is under a private lock, and the expensive checks (certificate and
/// signature) run outside it; the "is it newer" test is repeated before inserting. Cheap checks
/// come first (framing, origin, sequence), so flooded duplicates cost no signature check.
/// A certificate identical to the one already held for the origin is not verified again (only its
/// validity period is rechecked). <see cref="Version"/> changes whenever the content changes, so
/// a consumer recomputes routes only when needed. Iteration order is by node ID (deterministic).
/// </remarks>
public sealed class LinkStateDatabase
{
    /// <summary>Adverts that claim to live longer than this from now are refused.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(10);

    private readonly TrustStore trust;
    private readonly NodeId self;
    private readonly Lock gate = new();
    private readonly SortedDictionary<NodeId, LinkStateAdvert> adverts = new(NodeIdOrder.Instance);
    private long version;
    private long topologyVersion;
    private long accepted;
    private long duplicate;
    private long stale;
    private long malformed;
    private long badSignature;
    private long untrusted;
    private long originMismatch;
    private long fromSelf;
    private long expired;
    private long removed;

    public LinkStateDatabase(TrustStore trust, NodeId self)
    {
        ArgumentNullException.ThrowIfNull(trust);
        this.trust = trust;
        this.self = self;
    }

    /// <summary>Increases whenever an advert is added, replaced or removed.</summary>
    public long Version
    {
        get
        {
            lock (gate)
            {
                return version;
            }
        }
    }

    /// <summary>
    /// Increases only when what routing depends on changes: an origin appears or goes, or its
    /// neighbours, costs, relay flag or certificate differ from its previous advert (a refresh that
    /// only renews the sequence number and expiry does not count).
    /// </summary>
    public long TopologyVersion
    {
        get
        {
            lock (gate)
            {
                return topologyVersion;
            }
        }
    }

    public int Count
    {
        get
        {
            lock (gate)
            {
                return adverts.Count;
            }
        }
    }

    public LinkStateDatabaseCounters Counters
    {
        get
        {
            lock (gate)
            {
                return new LinkStateDatabaseCounters(accepted, duplicate, stale, malformed, badSignature, untrusted, originMismatch,
                                                     fromSelf, expired, removed);
            }
        }
    }

    /// <summary>
    /// Checks an advert received from the mesh and keeps it if it is valid and newer. Never
    /// throws. <paramref name="advert"/> is the decoded advert when accepted;
    /// <paramref name="length"/> is its unpadded length whenever it framed correctly (what to flood on).
    /// </summary>
    public AdvertVerdict Offer(ReadOnlySpan<byte> message, DateTimeOffset now, out LinkStateAdvert? advert, out int length)
    {
        advert = null;
        if (!LinkStateAdvert.TryMeasure(message, out length, out _))
        {
            return Tally(AdvertVerdict.Malformed);
        }

        var origin = LinkStateAdvert.ReadOrigin(message);
        var sequence = LinkStateAdvert.ReadSequence(message);
        if (origin == self)
        {
            return Tally(AdvertVerdict.FromSelf);
        }

        Certificate? heldCertificate;
        lock (gate)
        {
            if (Older(origin, sequence, out var verdict))
            {
                return Tally(verdict);
            }

            heldCertificate = adverts.TryGetValue(origin, out var held) ? held.Certificate : null;
        }

        if (!LinkStateAdvert.TryDecode(message, out var decoded, out _) || decoded is null)
        {
            return Tally(AdvertVerdict.Malformed);
        }

        if (decoded.Certificate.NodeId != origin)
        {
            return Tally(AdvertVerdict.OriginMismatch);
        }

        if (decoded.Expires < now)
        {
            return Tally(AdvertVerdict.Expired);
        }

        if (decoded.Expires > now + MaxLifetime)
        {
            return Tally(AdvertVerdict.Malformed);
        }

        var sameCertificate = heldCertificate is not null && heldCertificate.EncodedSpan.SequenceEqual(decoded.Certificate.EncodedSpan);
        if (sameCertificate ? !heldCertificate!.IsValidAt(now) : trust.Verify(decoded.Certificate, now) != CertificateError.None)
        {
            return Tally(AdvertVerdict.UntrustedCertificate);
        }

        if (!decoded.VerifySignature(message))
        {
            return Tally(AdvertVerdict.BadSignature);
        }

        lock (gate)
        {
            if (Older(origin, sequence, out var verdict))
            {
                return Tally(verdict);
            }

            StoreLocked(decoded);
            accepted++;
        }

        advert = decoded;
        return AdvertVerdict.Accepted;
    }

    /// <summary>Puts this node's own advert (made here, so not verified) in the database.</summary>
    public void SetOwn(LinkStateAdvert own)
    {
        ArgumentNullException.ThrowIfNull(own);
        if (own.Origin != self)
        {
            throw new ArgumentException("Not this node's advert.", nameof(own));
        }

        lock (gate)
        {
            StoreLocked(own);
        }
    }

    /// <summary>Drops adverts whose expiry has passed (or whose certificate has expired); returns how many.</summary>
    public int RemoveExpired(DateTimeOffset now)
    {
        lock (gate)
        {
            List<NodeId>? gone = null;
            foreach (var (origin, advert) in adverts)
            {
                if (origin != self && (advert.Expires < now || !advert.Certificate.IsValidAt(now)))
                {
                    (gone ??= []).Add(origin);
                }
            }

            if (gone is null)
            {
                return 0;
            }

            foreach (var origin in gone)
            {
                adverts.Remove(origin);
            }

            removed += gone.Count;
            version++;
            topologyVersion++;
            return gone.Count;
        }
    }

    public LinkStateAdvert? Find(NodeId origin)
    {
        lock (gate)
        {
            return adverts.GetValueOrDefault(origin);
        }
    }

    /// <summary>Every advert held (ours included), ordered by origin node ID.</summary>
    public IReadOnlyList<LinkStateAdvert> Snapshot()
    {
        lock (gate)
        {
            return [.. adverts.Values];
        }
    }

    private void StoreLocked(LinkStateAdvert advert)
    {
        if (!adverts.TryGetValue(advert.Origin, out var held) || !held.SameTopology(advert))
        {
            topologyVersion++;
        }

        adverts[advert.Origin] = advert;
        version++;
    }

    private bool Older(NodeId origin, ulong sequence, out AdvertVerdict verdict)
    {
        verdict = AdvertVerdict.Accepted;
        if (adverts.TryGetValue(origin, out var held) && sequence <= held.Sequence)
        {
            verdict = sequence == held.Sequence ? AdvertVerdict.Duplicate : AdvertVerdict.Stale;
            return true;
        }

        return false;
    }

    private AdvertVerdict Tally(AdvertVerdict verdict)
    {
        lock (gate)
        {
            switch (verdict)
            {
                case AdvertVerdict.Duplicate: duplicate++; break;
                case AdvertVerdict.Stale: stale++; break;
                case AdvertVerdict.Malformed: malformed++; break;
                case AdvertVerdict.BadSignature: badSignature++; break;
                case AdvertVerdict.UntrustedCertificate: untrusted++; break;
                case AdvertVerdict.OriginMismatch: originMismatch++; break;
                case AdvertVerdict.FromSelf: fromSelf++; break;
                case AdvertVerdict.Expired: expired++; break;
            }
        }

        return verdict;
    }
}
