using System.Buffers.Binary;
using System.Net;
using Weft.Platform.PortMapping;
using Weft.Tests;
using Xunit;

namespace Weft.Platform.Tests.PortMapping;

/// <summary>
/// The facade's protocol order and failures against a scripted NAT-PMP/PCP server on 127.0.213.1:5351
/// (loopback only; UPnP is switched off here — the namespace test runs it against miniupnpd).
/// </summary>
public sealed class PortMapperTests
{
    private static readonly IPAddress Router = IPAddress.Parse("127.0.213.1");

    private static readonly PortMapperOptions NoUpnp = new()
    {
        TryUpnp = false,
        Retransmit = new RetransmitSchedule(TimeSpan.FromMilliseconds(50), 3),
    };

    [Fact]
    public async Task Pcp_unsupported_version_falls_back_to_NAT_PMP()
    {
        using var gateway = new FakeGateway(Router, NatPmpOnly);
        using var mapper = new PortMapper(Router, NoUpnp);
        var result = await mapper.MapAsync(41641, TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        Assert.True(result.Succeeded, result.Failure);
        Assert.Equal(PortMapProtocol.NatPmp, result.Mapping!.Protocol);
        Assert.Equal(IPAddress.Parse("203.0.113.5"), result.Mapping.ExternalAddress);
        Assert.Equal(50000, result.Mapping.ExternalPort);
        Assert.Equal(TimeSpan.FromSeconds(120), result.Mapping.Lifetime);
        Assert.Equal(IPAddress.Loopback.GetAddressBytes()[0], result.Mapping.InternalAddress.GetAddressBytes()[0]);
        var versions = gateway.Requests.Select(r => r[0]).ToArray();
        Assert.Equal(new byte[] { 2, 0, 0 }, versions);

        Assert.Null(await mapper.RemoveAsync(result.Mapping, TestContext.Current.CancellationToken));
        Assert.Equal(Convert.FromHexString("00010000" + "A2A90000" + "00000000"), gateway.Requests.Last());
    }

    [Fact]
    public async Task Pcp_mapping_is_used_and_removed_with_its_nonce()
    {
        using var gateway = new FakeGateway(Router, PcpServer);
        using var mapper = new PortMapper(Router, NoUpnp);
        var result = await mapper.MapAsync(41641, TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        Assert.True(result.Succeeded, result.Failure);
        Assert.Equal(PortMapProtocol.Pcp, result.Mapping!.Protocol);
        Assert.Equal(IPAddress.Parse("203.0.113.5"), result.Mapping.ExternalAddress);
        Assert.Equal(41641, result.Mapping.ExternalPort);
        var map = gateway.Requests.Single();
        Assert.Equal(Convert.FromHexString("00000000000000000000FFFF7F000001"), map.AsSpan(8, 16).ToArray()); // client ::ffff:127.0.0.1, our source toward it

        Assert.Null(await mapper.RemoveAsync(result.Mapping, TestContext.Current.CancellationToken));
        var delete = gateway.Requests.Last();
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian(delete.AsSpan(4)));
        Assert.Equal(map.AsSpan(24, 12).ToArray(), delete.AsSpan(24, 12).ToArray());
    }

    [Fact]
    public async Task Silent_router_is_a_failure_value_after_the_retransmit_schedule()
    {
        using var gateway = new FakeGateway(Router, _ => null);
        using var mapper = new PortMapper(Router, NoUpnp);
        var result = await mapper.MapAsync(41641, TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        Assert.False(result.Succeeded);
        Assert.Equal("no NAT-PMP/PCP answer from 127.0.213.1 within 0.35 s", result.Failure);
        Assert.Equal(3, gateway.Requests.Count); // 50 + 100 + 200 ms, PCP only: NAT-PMP shares the silent port
        Assert.Equal(1, mapper.Failures);
    }

    [Fact]
    public async Task Refusals_and_garbage_are_failure_values()
    {
        using var gateway = new FakeGateway(Router, request => request[0] == 2 ? Convert.FromHexString("02810002" + "00000000") : [0, (byte)(128 + request[1])]);
        using var mapper = new PortMapper(Router, NoUpnp);
        var result = await mapper.MapAsync(41641, TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        Assert.False(result.Succeeded);
        Assert.Equal("PCP: NOT_AUTHORIZED; NAT-PMP: truncated response (2 bytes)", result.Failure);
    }

    [Fact]
    public async Task Closed_port_is_a_failure_value()
    {
        using var natPmp = new PortMapper(IPAddress.Parse("127.0.213.2"), NoUpnp with { TryPcp = false });
        var result = await natPmp.MapAsync(41641, TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        Assert.False(result.Succeeded);
        Assert.Equal("NAT-PMP: 127.0.213.2 refused port 5351 (nothing listens there)", result.Failure);

        using var both = new PortMapper(IPAddress.Parse("127.0.213.2"), NoUpnp);
        result = await both.MapAsync(41641, TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        Assert.Equal("PCP: 127.0.213.2 refused port 5351 (nothing listens there) (NAT-PMP shares the port: not tried)", result.Failure);
    }

    [Fact]
    public async Task Renew_loop_renews_at_half_the_lifetime()
    {
        var clock = new ManualTimeProvider();
        using var gateway = new FakeGateway(Router, NatPmpOnly);
        using var mapper = new PortMapper(Router, NoUpnp with { TryPcp = false }, clock);
        var mapping = (await mapper.MapAsync(41641, TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken)).Mapping!;
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(120), mapping.Expires);
        var before = gateway.Requests.Count;

        using var stop = new CancellationTokenSource();
        var renewed = new TaskCompletionSource<PortMapResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var loop = mapper.RenewLoopAsync(mapping, TimeSpan.FromMinutes(2), r => renewed.TrySetResult(r), stop.Token);
        clock.Advance(TimeSpan.FromSeconds(59));
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Equal(before, gateway.Requests.Count);

        clock.Advance(TimeSpan.FromSeconds(1));
        var result = await renewed.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.True(result.Succeeded, result.Failure);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(120), result.Mapping!.Expires);
        Assert.Equal(before + 2, gateway.Requests.Count); // external address + map, suggesting the port we hold
        Assert.Equal(Convert.FromHexString("00010000" + "A2A9C350" + "00000078"), gateway.Requests.Last());

        stop.Cancel();
        var last = await loop.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(result.Mapping, last);
    }

    // A NAT-PMP-only router: version 2 gets "unsupported version"; external address 203.0.113.5; maps to 50000 for what was asked (≤ 120 s).
    private static byte[]? NatPmpOnly(byte[] request)
    {
        if (request[0] != 0)
        {
            return Convert.FromHexString("00810001" + "00000E10");
        }

        if (request[1] == 0)
        {
            return Convert.FromHexString("00800000" + "00000E10" + "CB007105");
        }

        var reply = Convert.FromHexString("00810000" + "00000E10" + "00000000" + "00000000");
        request.AsSpan(4, 2).CopyTo(reply.AsSpan(8));
        var lifetime = BinaryPrimitives.ReadUInt32BigEndian(request.AsSpan(8));
        if (lifetime != 0)
        {
            BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(10), 50000);
            BinaryPrimitives.WriteUInt32BigEndian(reply.AsSpan(12), Math.Min(lifetime, 120));
        }

        return reply;
    }

    // A PCP router granting the suggested port on 203.0.113.5, echoing nonce, protocol and ports.
    private static byte[]? PcpServer(byte[] request)
    {
        var reply = new byte[60];
        reply[0] = 2;
        reply[1] = 0x81;
        request.AsSpan(4, 4).CopyTo(reply.AsSpan(4));
        request.AsSpan(24, 20).CopyTo(reply.AsSpan(24));
        Convert.FromHexString("00000000000000000000FFFFCB007105").CopyTo(reply.AsSpan(44));
        return reply;
    }
}
