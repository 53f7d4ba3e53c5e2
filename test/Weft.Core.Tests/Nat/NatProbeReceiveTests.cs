using System.Net;
using Weft.Core.Nat;
using Weft.Core.Tests.Node;
using Xunit;

namespace Weft.Core.Tests.Nat;

/// <summary>NAT probes arriving from the underlay (primers, sweeps, spoofed floods) are counted and dropped, allocating nothing.</summary>
public class NatProbeReceiveTests
{
    [Fact]
    public void Probes_from_anywhere_are_counted_dropped_and_allocate_nothing()
    {
        using var mesh = new TestMesh();
        var a = mesh.AddNode("alpha");
        var source = new IPEndPoint(IPAddress.Parse("198.51.100.9"), 40000);
        var probe = new byte[NatProbe.Size];
        NatProbe.Write(probe, new byte[NatProbe.TokenSize]);
        var odd = new byte[NatProbe.Size + 7];
        probe.CopyTo(odd, 0);
        a.Node.OnDatagram(probe, source);   // warm up

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            a.Node.OnDatagram(probe, source);
            a.Node.OnDatagram(odd, source);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var counters = a.Counters;
        Assert.Equal(2001, counters.NatProbesReceived);
        Assert.Equal(0, counters.WireGuard.UnknownType);   // never handed to the WireGuard device
        Assert.Equal(0, allocated);
    }
}
