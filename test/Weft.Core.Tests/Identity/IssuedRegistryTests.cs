using System.Net;
using System.Runtime.Versioning;
using Weft.Core.Identity;
using Xunit;

namespace Weft.Core.Tests.Identity;

[UnsupportedOSPlatform("windows")]
public sealed class IssuedRegistryTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("weft-registry-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string PathOf(string name) => Path.Combine(dir, name);

    [Fact]
    public void AMissingFileIsAnEmptyRegistryStartingAfterTheNetworkAddress()
    {
        var registry = IssuedRegistry.Load(PathOf("issued.json"));
        Assert.Empty(registry.Issued);
        Assert.Equal(IPAddress.Parse("100.90.0.1"), registry.NextFreeIpv4(IPNetwork.Parse("100.90.0.0/16")));
    }

    [Fact]
    public void NextFreeSkipsRecordedAddressesAndFillsGaps()
    {
        var registry = IssuedRegistry.Load(PathOf("issued.json"));
        var range = IPNetwork.Parse("100.90.0.0/16");
        var id = NodeId.FromSessionKey(new byte[32]);
        registry.Record("ca", IPAddress.Parse("100.90.0.1"), id);
        registry.Record("a", IPAddress.Parse("100.90.0.2"), id);
        registry.Record("c", IPAddress.Parse("100.90.0.4"), id);
        Assert.Equal(IPAddress.Parse("100.90.0.3"), registry.NextFreeIpv4(range));
        registry.Record("b", IPAddress.Parse("100.90.0.3"), id);
        Assert.Equal(IPAddress.Parse("100.90.0.5"), registry.NextFreeIpv4(range));
    }

    [Fact]
    public void NextFreeCrossesOctetsAndSkipsBroadcast()
    {
        var registry = IssuedRegistry.Load(PathOf("issued.json"));
        var id = NodeId.FromSessionKey(new byte[32]);
        for (var i = 1; i <= 255; i++)
        {
            registry.Record("n" + i, IPAddress.Parse($"100.90.0.{i}"), id);
        }

        Assert.Equal(IPAddress.Parse("100.90.1.0"), registry.NextFreeIpv4(IPNetwork.Parse("100.90.0.0/16")));

        var small = IssuedRegistry.Load(PathOf("small.json"));
        var range = IPNetwork.Parse("10.0.0.0/30");
        small.Record("a", small.NextFreeIpv4(range), id);
        small.Record("b", small.NextFreeIpv4(range), id);
        Assert.Equal(["10.0.0.1", "10.0.0.2"], small.Issued.Select(e => e.Ipv4));
        var e = Assert.Throws<InvalidOperationException>(() => small.NextFreeIpv4(range));
        Assert.Contains("10.0.0.0/30", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SavesAtomicallyAndLoadsBack()
    {
        var path = PathOf("issued.json");
        var mesh = new TestMesh();
        var registry = IssuedRegistry.Load(path);
        var (_, cert) = mesh.Member("laptop", registry.NextFreeIpv4(mesh.Ca.Certificate.Ipv4Range).ToString());
        registry.Record(cert);
        registry.Save();
        Assert.Equal(["issued.json"], Directory.GetFiles(dir).Select(Path.GetFileName));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Contains("\"nodeId\"", File.ReadAllText(path), StringComparison.Ordinal);

        var loaded = IssuedRegistry.Load(path);
        var entry = Assert.Single(loaded.Issued);
        Assert.Equal("laptop", entry.Name);
        Assert.Equal("100.90.0.1", entry.Ipv4);
        Assert.Equal(cert.NodeId.ToString(), entry.NodeId);
        Assert.Equal(cert.NotAfter, entry.NotAfter);
        Assert.Equal(entry, loaded.Find("laptop"));
        Assert.Equal(IPAddress.Parse("100.90.0.2"), loaded.NextFreeIpv4(mesh.Ca.Certificate.Ipv4Range));
    }

    [Fact]
    public void ReissuingANameReplacesItsEntryButAnAddressIsNeverShared()
    {
        var registry = IssuedRegistry.Load(PathOf("issued.json"));
        var id = NodeId.FromSessionKey(new byte[32]);
        registry.Record("a", IPAddress.Parse("100.90.0.2"), id);
        registry.Record("a", IPAddress.Parse("100.90.0.3"), id);
        Assert.Equal("100.90.0.3", Assert.Single(registry.Issued).Ipv4);
        Assert.Throws<InvalidOperationException>(() => registry.Record("b", IPAddress.Parse("100.90.0.3"), id));
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"version\": 2, \"issued\": []}")]
    [InlineData("{\"version\": 1, \"issued\": [{\"name\": \"a\", \"ipv4\": \"nope\", \"nodeId\": \"00\"}]}")]
    public void CorruptFilesNameTheFile(string json)
    {
        var path = PathOf("issued.json");
        File.WriteAllText(path, json);
        var e = Assert.Throws<InvalidDataException>(() => IssuedRegistry.Load(path));
        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
    }
}
