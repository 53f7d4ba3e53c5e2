using Weft.SystemTests.Lab;
using Xunit;

namespace Weft.SystemTests;

/// <summary>The lab reads <c>weft status --json</c> the way the CLI writes it (camelCase records, counters as a map).</summary>
public sealed class WeftStatusTests
{
    private const string Sample = """
        {
          "name": "home",
          "meshName": "home",
          "ipv4": "100.90.0.1/16",
          "ipv6": "fd12:3456:789a:1:2:3:4:5",
          "listenPort": 51820,
          "certNotAfter": "2027-11-25T10:00:00+00:00",
          "interface": "weft0",
          "pid": 4242,
          "peers": [
            {
              "name": "laptop",
              "kind": "member",
              "nodeId": "00112233445566778899aabbccddeeff",
              "publicKey": "W2YQ6XkXqE8J1UMmpDsFsCh6irlPPlGni6WG6NSz6yk=",
              "ipv4": "100.90.0.2/16",
              "ipv6": "fd12:3456:789a:9:8:7:6:5",
              "endpoint": "10.213.1.2:51820",
              "lastHandshake": "2026-11-25T10:00:01+00:00",
              "rxBytes": 1234,
              "txBytes": 5678,
              "verified": true,
              "problem": null
            },
            {
              "name": "intruder",
              "kind": "pending",
              "nodeId": "ffeeddccbbaa99887766554433221100",
              "publicKey": "y8diWtnu1578Xxz7m+fy0YYfsNhCTmSu5S1AeXuS6ww=",
              "ipv4": null,
              "ipv6": null,
              "endpoint": "10.213.2.2:51820",
              "lastHandshake": null,
              "rxBytes": 0,
              "txBytes": 0,
              "verified": false,
              "problem": "certificate signed by an unknown CA"
            }
          ],
          "counters": { "wireGuard.datagramsTooShort": 7, "helloRequestsIgnored": 2, "txDroppedNoRoute": 5, "wireGuard.handshakeInitiationsReceived": 3 }
        }
        """;

    [Fact]
    public void ReadsNodePeersAndCounters()
    {
        var status = WeftStatus.TryParse(Sample, out var error);
        Assert.True(status is not null, error);
        Assert.Equal("home", status!.Name);
        Assert.Equal("100.90.0.1", status.Ipv4Address);
        Assert.Equal("fd12:3456:789a:1:2:3:4:5", status.Ipv6Address);
        Assert.Equal(51820, status.ListenPort);
        Assert.Equal("weft0", status.Interface);
        Assert.Equal(2, status.Peers.Count);

        var laptop = status.Peers[0];
        Assert.True(laptop.IsConnected);
        Assert.Equal("10.213.1.2:51820", laptop.Endpoint);
        Assert.Equal(1234, laptop.RxBytes);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 0, 1, TimeSpan.Zero), laptop.LastHandshake);

        var intruder = status.Peers[1];
        Assert.False(intruder.IsConnected);
        Assert.Equal("certificate signed by an unknown CA", intruder.Problem);

        Assert.Equal(9, status.DroppedDatagrams);
        Assert.Equal(2, status.Refusals);
        Assert.Equal(5, status.SumCounters("drop"));
        Assert.Equal(3, status.Counters["wireGuard.handshakeInitiationsReceived"]);
    }

    [Fact]
    public void FlattensNestedCountersAndRejectsNonObjects()
    {
        var status = WeftStatus.TryParse("""{ "counters": { "wireGuard": { "badMac1": 4, "replays": 1 } }, "peers": [] }""", out _);
        Assert.Equal(4, status!.Counters["wireGuard.badMac1"]);
        Assert.Equal(5, status.DroppedDatagrams);
        Assert.Null(WeftStatus.TryParse("[1,2]", out var notObject));
        Assert.NotEmpty(notObject);
        Assert.Null(WeftStatus.TryParse("weft: daemon not running", out var notJson));
        Assert.NotEmpty(notJson);
    }

    [Fact]
    public void SplitsAWgQuickConfig()
    {
        var config = WireGuardConfig.Parse("""
            # WireGuard client "phone" of a Weft mesh. Keep this file secret.
            [Interface]
            PrivateKey = aGVsbG8=
            Address = 100.90.0.7/32, fd12::7/128
            MTU = 1380
            DNS = 100.90.0.1

            [Peer]
            PublicKey = d29ybGQ=
            Endpoint = 10.213.1.1:51820
            AllowedIPs = 100.90.0.0/16, fd12::/48
            PersistentKeepalive = 25
            """);
        Assert.Equal(["100.90.0.7/32", "fd12::7/128"], config.Addresses);
        Assert.Equal(1380, config.Mtu);
        Assert.Equal(["100.90.0.0/16", "fd12::/48"], config.AllowedIps);
        Assert.DoesNotContain("Address", config.SetconfText, StringComparison.Ordinal);
        Assert.DoesNotContain("MTU", config.SetconfText, StringComparison.Ordinal);
        Assert.DoesNotContain("DNS", config.SetconfText, StringComparison.Ordinal);
        Assert.Contains("PrivateKey = aGVsbG8=", config.SetconfText, StringComparison.Ordinal);
        Assert.Contains("Endpoint = 10.213.1.1:51820", config.SetconfText, StringComparison.Ordinal);
    }
}
