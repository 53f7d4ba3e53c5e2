using System.Net;
using Weft.Core.Identity;
using Weft.Core.Mesh;
using Weft.Core.Tests.Identity;
using Xunit;

namespace Weft.Core.Tests.Mesh;

public sealed class LinkStateDatabaseTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    [Fact]
    public void Keeps_the_newest_advert_per_origin_and_counts_duplicates_and_stale_ones()
    {
        var mesh = new TestMesh();
        var self = mesh.Member("self", "100.90.0.1").Cert.NodeId;
        var (keys, cert) = mesh.Member("alpha", "100.90.0.2");
        var db = new LinkStateDatabase(mesh.Trust, self);
        var v5 = LinkStateAdvert.Create(keys, cert, 5, mesh.Now + Lifetime, true, []);
        var v4 = LinkStateAdvert.Create(keys, cert, 4, mesh.Now + Lifetime, true, []);
        var v6 = LinkStateAdvert.Create(keys, cert, 6, mesh.Now + Lifetime, false, []);

        Assert.Equal(AdvertVerdict.Accepted, db.Offer(v5, mesh.Now, out var accepted, out var length));
        Assert.Equal(v5.Length, length);
        Assert.Equal(5ul, accepted!.Sequence);
        var version = db.Version;
        Assert.Equal(AdvertVerdict.Duplicate, db.Offer(v5, mesh.Now, out accepted, out _));
        Assert.Null(accepted);
        Assert.Equal(AdvertVerdict.Stale, db.Offer(v4, mesh.Now, out _, out _));
        Assert.Equal(version, db.Version);
        Assert.Equal(AdvertVerdict.Accepted, db.Offer(v6, mesh.Now, out _, out _));
        Assert.False(db.Find(cert.NodeId)!.RelayWilling);
        var counters = db.Counters;
        Assert.Equal((2, 1, 1, 0), (counters.Accepted, counters.Duplicate, counters.Stale, counters.Rejected));
    }

    [Fact]
    public void A_forged_signature_is_rejected_and_the_held_advert_stays()
    {
        var mesh = new TestMesh();
        var (keys, cert) = mesh.Member("alpha", "100.90.0.2");
        var (mallory, _) = mesh.Member("mallory", "100.90.0.9");
        var db = new LinkStateDatabase(mesh.Trust, mesh.Member("self", "100.90.0.1").Cert.NodeId);
        Assert.Equal(AdvertVerdict.Accepted, db.Offer(LinkStateAdvert.Create(keys, cert, 1, mesh.Now + Lifetime, true, []), mesh.Now, out _, out _));

        // Mallory (a member) builds an advert for alpha's certificate but signs it with her own key.
        var forged = LinkStateAdvert.Create(keys, cert, 2, mesh.Now + Lifetime, true, []);
        var signed = forged.Length - LinkStateAdvert.SignatureSize;
        var transcript = new byte[LinkStateAdvert.SignatureContext.Length + signed];
        LinkStateAdvert.SignatureContext.CopyTo(transcript);
        forged.AsSpan(0, signed).CopyTo(transcript.AsSpan(LinkStateAdvert.SignatureContext.Length));
        mallory.Sign(transcript, forged.AsSpan(signed));

        Assert.Equal(AdvertVerdict.BadSignature, db.Offer(forged, mesh.Now, out _, out _));
        Assert.Equal(1ul, db.Find(cert.NodeId)!.Sequence);
        Assert.Equal(1, db.Counters.BadSignature);
    }

    [Fact]
    public void An_advert_from_a_foreign_mesh_is_rejected()
    {
        var mesh = new TestMesh();
        var foreign = new TestMesh("other");
        var (keys, cert) = foreign.Member("eve", "100.90.0.2");
        var db = new LinkStateDatabase(mesh.Trust, mesh.Member("self", "100.90.0.1").Cert.NodeId);
        Assert.Equal(AdvertVerdict.UntrustedCertificate,
                     db.Offer(LinkStateAdvert.Create(keys, cert, 1, mesh.Now + Lifetime, true, []), mesh.Now, out _, out _));
        Assert.Equal(0, db.Count);
        Assert.Equal(1, db.Counters.UntrustedCertificate);
    }

    [Fact]
    public void An_advert_carrying_an_expired_certificate_is_rejected()
    {
        var mesh = new TestMesh();
        var (keys, cert) = mesh.Member("alpha", "100.90.0.2", validity: TimeSpan.FromHours(1));
        var db = new LinkStateDatabase(mesh.Trust, mesh.Member("self", "100.90.0.1").Cert.NodeId);
        var later = mesh.Now + TimeSpan.FromHours(2);
        var advert = LinkStateAdvert.Create(keys, cert, 1, later + Lifetime, true, []);
        Assert.Equal(AdvertVerdict.UntrustedCertificate, db.Offer(advert, later, out _, out _));
    }

    [Fact]
    public void An_expired_advert_or_one_that_claims_too_long_a_life_is_rejected()
    {
        var mesh = new TestMesh();
        var (keys, cert) = mesh.Member("alpha", "100.90.0.2");
        var db = new LinkStateDatabase(mesh.Trust, mesh.Member("self", "100.90.0.1").Cert.NodeId);
        Assert.Equal(AdvertVerdict.Expired, db.Offer(LinkStateAdvert.Create(keys, cert, 1, mesh.Now - TimeSpan.FromSeconds(5), true, []), mesh.Now, out _, out _));
        Assert.Equal(AdvertVerdict.Malformed, db.Offer(LinkStateAdvert.Create(keys, cert, 2, mesh.Now + TimeSpan.FromHours(1), true, []), mesh.Now, out _, out _));
    }

    [Fact]
    public void Malformed_input_and_our_own_origin_are_counted_never_thrown()
    {
        var mesh = new TestMesh();
        var (selfKeys, selfCert) = mesh.Member("self", "100.90.0.1");
        var db = new LinkStateDatabase(mesh.Trust, selfCert.NodeId);
        Assert.Equal(AdvertVerdict.Malformed, db.Offer([], mesh.Now, out _, out _));
        Assert.Equal(AdvertVerdict.Malformed, db.Offer(new byte[200], mesh.Now, out _, out _));
        Assert.Equal(AdvertVerdict.FromSelf, db.Offer(LinkStateAdvert.Create(selfKeys, selfCert, 1, mesh.Now + Lifetime, true, []), mesh.Now, out _, out _));
        Assert.Equal(0, db.Count);
        Assert.Equal(2, db.Counters.Malformed);
    }

    [Fact]
    public void An_origin_field_that_is_not_the_certificates_node_is_rejected()
    {
        var mesh = new TestMesh();
        var (keys, cert) = mesh.Member("alpha", "100.90.0.2");
        var other = mesh.Member("bravo", "100.90.0.3").Cert.NodeId;
        var db = new LinkStateDatabase(mesh.Trust, mesh.Member("self", "100.90.0.1").Cert.NodeId);
        var advert = LinkStateAdvert.Create(keys, cert, 1, mesh.Now + Lifetime, true, []);
        other.WriteTo(advert.AsSpan(2));
        Assert.Equal(AdvertVerdict.OriginMismatch, db.Offer(advert, mesh.Now, out _, out _));
    }

    [Fact]
    public void Expired_adverts_are_removed()
    {
        var mesh = new TestMesh();
        var (keys, cert) = mesh.Member("alpha", "100.90.0.2");
        var db = new LinkStateDatabase(mesh.Trust, mesh.Member("self", "100.90.0.1").Cert.NodeId);
        db.Offer(LinkStateAdvert.Create(keys, cert, 1, mesh.Now + Lifetime, true, []), mesh.Now, out _, out _);
        Assert.Equal(0, db.RemoveExpired(mesh.Now + TimeSpan.FromMinutes(1)));
        Assert.Equal(1, db.RemoveExpired(mesh.Now + TimeSpan.FromMinutes(3)));
        Assert.Null(db.Find(cert.NodeId));
    }

    [Fact]
    public void A_same_certificate_is_only_rechecked_for_validity_and_a_new_one_fully()
    {
        var mesh = new TestMesh();
        var (keys, cert) = mesh.Member("alpha", "100.90.0.2");
        var db = new LinkStateDatabase(mesh.Trust, mesh.Member("self", "100.90.0.1").Cert.NodeId);
        Assert.Equal(AdvertVerdict.Accepted, db.Offer(LinkStateAdvert.Create(keys, cert, 1, mesh.Now + Lifetime, true, []), mesh.Now, out _, out _));

        // Same keys, certificate re-issued by a foreign CA: must not ride on the held one.
        var foreign = new TestMesh("other");
        var foreignCert = foreign.Ca.Sign(JoinRequest.Create(keys, "alpha"), "alpha", [], [], IPAddress.Parse("100.90.0.2"), TimeSpan.FromDays(1), mesh.Now);
        Assert.Equal(AdvertVerdict.UntrustedCertificate,
                     db.Offer(LinkStateAdvert.Create(keys, foreignCert, 2, mesh.Now + Lifetime, true, []), mesh.Now, out _, out _));
        Assert.Equal(AdvertVerdict.Accepted, db.Offer(LinkStateAdvert.Create(keys, cert, 3, mesh.Now + Lifetime, true, []), mesh.Now, out _, out _));
    }

    [Fact]
    public void A_refresh_with_the_same_topology_does_not_change_the_topology_version()
    {
        var mesh = new TestMesh();
        var (keys, cert) = mesh.Member("alpha", "100.90.0.2");
        var b = mesh.Member("bravo", "100.90.0.3").Cert.NodeId;
        var db = new LinkStateDatabase(mesh.Trust, mesh.Member("self", "100.90.0.1").Cert.NodeId);
        db.Offer(LinkStateAdvert.Create(keys, cert, 1, mesh.Now + Lifetime, true, [new LinkStateNeighbour(b, 10)]), mesh.Now, out _, out _);
        var (version, topology) = (db.Version, db.TopologyVersion);

        db.Offer(LinkStateAdvert.Create(keys, cert, 2, mesh.Now + Lifetime, true, [new LinkStateNeighbour(b, 10)]), mesh.Now, out _, out _);
        Assert.Equal(version + 1, db.Version);
        Assert.Equal(topology, db.TopologyVersion);

        db.Offer(LinkStateAdvert.Create(keys, cert, 3, mesh.Now + Lifetime, true, [new LinkStateNeighbour(b, 11)]), mesh.Now, out _, out _);
        Assert.Equal(topology + 1, db.TopologyVersion);
        db.Offer(LinkStateAdvert.Create(keys, cert, 4, mesh.Now + Lifetime, false, [new LinkStateNeighbour(b, 11)]), mesh.Now, out _, out _);
        Assert.Equal(topology + 2, db.TopologyVersion);
    }
}
