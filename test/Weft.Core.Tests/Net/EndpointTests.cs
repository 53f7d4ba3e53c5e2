using System.Net;
using Weft.Core.Identity;
using Weft.Core.Net;
using Xunit;

namespace Weft.Core.Tests.Net;

/// <summary>Endpoint identity, equality, printing and the allocation-free UDP cache.</summary>
public class EndpointTests
{
    [Fact]
    public void Udp_endpoints_compare_by_value_and_are_shared()
    {
        var a = UdpEndpoint.Of(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 51820));
        var b = UdpEndpoint.Of(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 51820));
        var c = UdpEndpoint.Of(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 51821));
        Assert.Same(a, b);
        Assert.Equal<Endpoint>(a, b);
        Assert.NotEqual<Endpoint>(a, c);
        Assert.Equal(TransportKind.Udp, a.Kind);
        Assert.Equal("udp 192.0.2.1:51820", a.ToString());
        Assert.Equal("udp [2001:db8::1]:443", UdpEndpoint.Of(new IPEndPoint(IPAddress.Parse("2001:db8::1"), 443)).ToString());

        // A dual-stack socket's view of an IPv4 peer is the same endpoint.
        var mapped = UdpEndpoint.Of(new IPEndPoint(IPAddress.Parse("::ffff:192.0.2.1"), 51820));
        Assert.Equal<Endpoint>(a, mapped);
        Assert.Equal(a.GetHashCode(), mapped.GetHashCode());
        Assert.Equal("udp 192.0.2.1:51820", mapped.ToString());
    }

    [Fact]
    public void Udp_endpoint_lookup_allocates_nothing_once_seen()
    {
        var address = new IPEndPoint(IPAddress.Parse("198.51.100.7"), 4000);
        var first = UdpEndpoint.Of(address);
        for (var i = 0; i < 10; i++)
        {
            UdpEndpoint.Of(address);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            Assert.Same(first, UdpEndpoint.Of(address));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Relay_endpoints_compare_by_destination()
    {
        var id = NodeId.FromBytes(Enumerable.Range(1, 16).Select(i => (byte)i).ToArray());
        var other = NodeId.FromBytes(new byte[16]);
        Assert.Equal<Endpoint>(new RelayEndpoint(id), new RelayEndpoint(id));
        Assert.NotEqual<Endpoint>(new RelayEndpoint(id), new RelayEndpoint(other));
        Assert.Equal("relay " + id, new RelayEndpoint(id).ToString());
        Assert.Equal(TransportKind.Relay, new RelayEndpoint(id).Kind);
    }

    [Fact]
    public void Stream_connections_are_equal_only_to_themselves()
    {
        var remote = new IPEndPoint(IPAddress.Parse("192.0.2.5"), 443);
        var one = new FakeStreamConnection(remote, TransportKind.Tls, outbound: true);
        var two = new FakeStreamConnection(remote, TransportKind.Tls, outbound: true);
        Assert.Equal<Endpoint>(one, one);
        Assert.NotEqual<Endpoint>(one, two);
        Assert.NotEqual<Endpoint>(one, UdpEndpoint.Of(remote));
        Assert.Equal("tls 192.0.2.5:443", one.ToString());
        Assert.Equal("tcp 192.0.2.5:443", new FakeStreamConnection(remote, TransportKind.Tcp, outbound: false).ToString());
    }

    [Fact]
    public void Cookie_identity_separates_kinds_addresses_and_ports()
    {
        var address = new IPEndPoint(IPAddress.Parse("192.0.2.5"), 443);
        var identities = new HashSet<string>
        {
            Identity(UdpEndpoint.Of(address)),
            Identity(UdpEndpoint.Of(new IPEndPoint(address.Address, 444))),
            Identity(new FakeStreamConnection(address, TransportKind.Tcp, outbound: true)),
            Identity(new FakeStreamConnection(address, TransportKind.Tls, outbound: true)),
            Identity(new RelayEndpoint(NodeId.FromBytes(new byte[16]))),
        };
        Assert.Equal(5, identities.Count);
    }

    private static string Identity(Endpoint endpoint)
    {
        Span<byte> bytes = stackalloc byte[Endpoint.CookieIdentityMaxSize];
        return Convert.ToHexString(bytes[..endpoint.WriteCookieIdentity(bytes)]);
    }
}
