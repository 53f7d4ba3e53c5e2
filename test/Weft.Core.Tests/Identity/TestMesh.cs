using System.Net;
using Weft.Core.Identity;
using Weft.Tests;

namespace Weft.Core.Tests.Identity;

/// <summary>A small mesh for identity tests: a CA on 100.90.0.0/16, a clock, and helpers to make members.</summary>
internal sealed class TestMesh
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public TestMesh(string meshName = "home", string range = "100.90.0.0/16")
    {
        Clock = new ManualTimeProvider(Start);
        Ca = CertificateAuthority.Create(meshName, IPNetwork.Parse(range), meshName + ".weft", TimeSpan.FromDays(3650), Clock);
        Trust = new TrustStore([Ca.Certificate]);
    }

    public ManualTimeProvider Clock { get; }

    public CertificateAuthority Ca { get; }

    public TrustStore Trust { get; }

    public DateTimeOffset Now => Clock.GetUtcNow();

    public (NodeKeys Keys, Certificate Cert) Member(string name, string ipv4, string[]? groups = null, string[]? roles = null,
        TimeSpan? validity = null, IReadOnlyList<IPNetwork>? subnets = null)
    {
        var keys = NodeKeys.Generate();
        var request = JoinRequest.Create(keys, name);
        var cert = Ca.Sign(request, name, groups ?? ["servers"], roles ?? [], IPAddress.Parse(ipv4),
            validity ?? TimeSpan.FromDays(365), Now, subnets);
        return (keys, cert);
    }
}
