using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Weft.Core.Nat;
using Weft.Daemon;
using Weft.LocalApi;
using Xunit;

namespace Weft.Cli.Tests;

/// <summary>
/// <c>weft netcheck</c>: the lines a user reads from a fixed report, the JSON shape of the contract, the node's
/// report mapped to the API's, the request over a real Unix socket, and bad arguments.
/// </summary>
public class NetcheckTests
{
    internal static NetcheckReport SampleReport() => new(
        true,
        ["198.18.3.2:51820"],
        [],
        [
            new ObservationReport("relay", "203.0.113.1:51820", "198.18.3.2:51820"),
            new ObservationReport("witness", "203.0.113.2:51820", "198.18.3.2:51820"),
        ],
        "endpoint-independent",
        "relay and witness saw 198.18.3.2:51820",
        new PortMappingReport(true, "nat-pmp", "198.18.3.2:51820", null),
        false);

    [Fact]
    public void Text_has_one_line_per_finding()
    {
        Assert.Equal("""
            UDP:          works (2 members answered)
            IPv4:         198.18.3.2:51820
            IPv6:         none
            Mapping:      endpoint-independent (relay and witness saw 198.18.3.2:51820)
            Port mapping: NAT-PMP 198.18.3.2:51820
            Hairpinning:  no
            Seen by:      relay 203.0.113.1:51820 saw 198.18.3.2:51820
                          witness 203.0.113.2:51820 saw 198.18.3.2:51820

            """.ReplaceLineEndings("\n"), NetcheckFormatter.Format(SampleReport()));
    }

    [Fact]
    public void Text_says_what_is_unknown_still_trying_or_unavailable()
    {
        var nothingKnown = new NetcheckReport(null, [], [], [], "unknown", "no member with a public IPv4 address answered",
            PortMappingReport.StillTrying, null);
        Assert.Equal("""
            UDP:          unknown (no member with a public UDP address is known)
            IPv4:         none
            IPv6:         none
            Mapping:      unknown (no member with a public IPv4 address answered)
            Port mapping: still trying
            Hairpinning:  unknown (no reflexive endpoint to try)

            """.ReplaceLineEndings("\n"), NetcheckFormatter.Format(nothingKnown));

        var blocked = nothingKnown with
        {
            Udp = false,
            PortMapping = new PortMappingReport(false, null, null, "no NAT-PMP/PCP answer from 192.168.3.1 within 1.75 s; UPnP: no IGD found"),
        };
        var text = NetcheckFormatter.Format(blocked);
        Assert.Contains("UDP:          no answer from any member with a public address (UDP blocked?)\n", text, StringComparison.Ordinal);
        Assert.Contains("Port mapping: unavailable (no NAT-PMP/PCP answer from 192.168.3.1 within 1.75 s; UPnP: no IGD found)\n", text, StringComparison.Ordinal);

        var one = SampleReport() with
        {
            Ipv6 = ["[2001:db8::7]:51820"],
            Observations = [new ObservationReport("relay", "203.0.113.1:51820", "198.18.3.2:51820")],
            PortMapping = new PortMappingReport(true, "upnp", "198.18.3.2:40000", null),
            Hairpinning = true,
        };
        text = NetcheckFormatter.Format(one);
        Assert.Contains("UDP:          works (1 member answered)\n", text, StringComparison.Ordinal);
        Assert.Contains("IPv6:         [2001:db8::7]:51820\n", text, StringComparison.Ordinal);
        Assert.Contains("Port mapping: UPnP 198.18.3.2:40000\n", text, StringComparison.Ordinal);
        Assert.Contains("Hairpinning:  yes\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_has_the_contract_shape()
    {
        var json = JsonSerializer.Serialize(SampleReport(), LocalApiJsonContext.Readable.NetcheckReport);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(["udp", "ipv4", "ipv6", "observations", "mapping", "mappingDetail", "portMapping", "hairpinning"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.True(root.GetProperty("udp").GetBoolean());
        Assert.Equal("198.18.3.2:51820", root.GetProperty("ipv4")[0].GetString());
        Assert.Equal(0, root.GetProperty("ipv6").GetArrayLength());
        var observation = root.GetProperty("observations")[0];
        Assert.Equal(["member", "memberEndpoint", "observed"], observation.EnumerateObject().Select(p => p.Name));
        Assert.Equal("relay", observation.GetProperty("member").GetString());
        Assert.Equal("203.0.113.1:51820", observation.GetProperty("memberEndpoint").GetString());
        Assert.Equal("endpoint-independent", root.GetProperty("mapping").GetString());
        var portMapping = root.GetProperty("portMapping");
        Assert.Equal(["available", "protocol", "external", "error"], portMapping.EnumerateObject().Select(p => p.Name));
        Assert.True(portMapping.GetProperty("available").GetBoolean());
        Assert.Equal("nat-pmp", portMapping.GetProperty("protocol").GetString());
        Assert.Equal(JsonValueKind.Null, portMapping.GetProperty("error").ValueKind);
        Assert.False(root.GetProperty("hairpinning").GetBoolean());

        // Unknowns are JSON nulls, not missing keys.
        var unknown = JsonSerializer.Serialize(SampleReport() with { Udp = null, Hairpinning = null, PortMapping = PortMappingReport.StillTrying },
            LocalApiJsonContext.Readable.NetcheckReport);
        using var second = JsonDocument.Parse(unknown);
        Assert.Equal(JsonValueKind.Null, second.RootElement.GetProperty("udp").ValueKind);
        Assert.Equal(JsonValueKind.Null, second.RootElement.GetProperty("hairpinning").ValueKind);
        Assert.Equal(JsonValueKind.Null, second.RootElement.GetProperty("portMapping").GetProperty("available").ValueKind);
        Assert.Equal("still trying", second.RootElement.GetProperty("portMapping").GetProperty("error").GetString());
    }

    [Theory]
    [InlineData(NatMapping.None, "none")]
    [InlineData(NatMapping.EndpointIndependent, "endpoint-independent")]
    [InlineData(NatMapping.EndpointDependent, "endpoint-dependent")]
    [InlineData(NatMapping.Unknown, "unknown")]
    public void The_nodes_report_maps_to_the_api_with_endpoints_as_text(NatMapping mapping, string name)
    {
        var report = new NatReport(
            true,
            [new ReflexiveObservation("relay", IPEndPoint.Parse("203.0.113.1:51820"), IPEndPoint.Parse("198.18.3.2:51820")),
             new ReflexiveObservation("v6", IPEndPoint.Parse("[2001:db8::1]:51820"), IPEndPoint.Parse("[2001:db8::7]:40000"))],
            [IPEndPoint.Parse("198.18.3.2:51820")],
            [IPEndPoint.Parse("[2001:db8::7]:40000")],
            mapping,
            "relay saw 198.18.3.2:51820",
            IPEndPoint.Parse("198.18.3.2:51820"),
            null);
        var portMapping = new PortMappingReport(true, "pcp", "198.18.3.2:51820", null);

        var api = NodeApiBackend.Map(report, portMapping);

        Assert.True(api.Udp);
        Assert.Equal(["198.18.3.2:51820"], api.Ipv4);
        Assert.Equal(["[2001:db8::7]:40000"], api.Ipv6);
        Assert.Equal(new ObservationReport("v6", "[2001:db8::1]:51820", "[2001:db8::7]:40000"), api.Observations[1]);
        Assert.Equal(name, api.Mapping);
        Assert.Equal("relay saw 198.18.3.2:51820", api.MappingDetail);
        Assert.Same(portMapping, api.PortMapping);
        Assert.Null(api.Hairpinning);
    }

    [Fact]
    public async Task Netcheck_asks_the_daemon_over_the_socket_with_the_timeout_and_prints_text_or_json()
    {
        using var dir = new TempDirectory();
        var socket = dir.Combine("weft.sock");
        var backend = new LocalApiTests.FakeBackend();
        var cancel = TestContext.Current.CancellationToken;
        await using (await LocalApiServer.StartAsync(socket, backend, logging => logging.SetMinimumLevel(LogLevel.Warning), cancel))
        {
            var cli = new CliRunner();
            var text = cli.Run("netcheck", "--state", dir.Path);
            Assert.True(text.ExitCode == 0, text.ToString());
            Assert.Equal(NetcheckFormatter.Format(SampleReport()), text.Out);

            var json = cli.Run("netcheck", "--json", "--timeout", "0.5", "--state", dir.Path);
            Assert.True(json.ExitCode == 0, json.ToString());
            var parsed = JsonSerializer.Deserialize(json.Out, LocalApiJsonContext.Readable.NetcheckReport)!;
            Assert.Equal("endpoint-independent", parsed.Mapping);
            Assert.Equal(SampleReport().PortMapping, parsed.PortMapping);
            Assert.Equal(SampleReport().Observations, parsed.Observations);

            Assert.Equal([TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(500)], backend.NetcheckTimeouts);
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("61")]
    [InlineData("soon")]
    public void A_bad_timeout_is_a_usage_error(string timeout)
    {
        using var dir = new TempDirectory();
        var result = new CliRunner().Run("netcheck", "--timeout", timeout, "--state", dir.Path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"--timeout must be a number from 0.001 to 60; got \"{timeout}\".", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_daemon_it_says_weft_is_not_running()
    {
        using var dir = new TempDirectory();
        var result = new CliRunner().Run("netcheck", "--state", dir.Path);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"weft: weft is not running (no socket at {dir.Combine("weft.sock")})\n", result.Error);
    }

    [Fact]
    public void Help_explains_every_line()
    {
        var result = new CliRunner().Run("netcheck", "--help");
        Assert.Equal(0, result.ExitCode);
        foreach (var line in new[] { "UDP", "IPv4, IPv6", "Mapping", "Port mapping", "Hairpinning", "Seen by", "--timeout", "--json" })
        {
            Assert.Contains(line, result.Out, StringComparison.Ordinal);
        }
    }
}
