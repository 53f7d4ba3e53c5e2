using Weft.Core.WireGuard;
using Xunit;

namespace Weft.Core.Tests.WireGuard;

/// <summary>The transport-data send and receive paths allocate nothing.</summary>
public class AllocationTests
{
    [Fact]
    public void Ten_thousand_packets_each_way_allocate_nothing()
    {
        using var t = new TwoPeers();
        t.AliceSends(TwoPeers.Ipv4Packet(0));
        t.BobSends(TwoPeers.Ipv4Packet(0));
        t.Network.Synchronous = true;
        t.Alice.Events.RecordPayloads = false;
        t.Bob.Events.RecordPayloads = false;

        var buffer = new byte[WireGuardDevice.HeadRoom + 1400 + WireGuardDevice.TailRoom];
        var packet = TwoPeers.Ipv4Packet(7, 1400);

        void Burst(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var length = 40 + (i % 1361);
                packet.AsSpan(0, length).CopyTo(buffer.AsSpan(WireGuardDevice.HeadRoom));
                buffer[WireGuardDevice.HeadRoom + 2] = (byte)(length >> 8);
                buffer[WireGuardDevice.HeadRoom + 3] = (byte)length;
                t.Alice.Device.Send(t.BobAtAlice, buffer, WireGuardDevice.HeadRoom, length);
                packet.AsSpan(0, length).CopyTo(buffer.AsSpan(WireGuardDevice.HeadRoom));   // Send encrypted it in place
                buffer[WireGuardDevice.HeadRoom + 2] = (byte)(length >> 8);
                buffer[WireGuardDevice.HeadRoom + 3] = (byte)length;
                t.Bob.Device.Send(t.AliceAtBob!, buffer, WireGuardDevice.HeadRoom, length);
            }
        }

        Burst(2000);   // warm-up: JIT, crypto contexts, pools
        var received = t.Bob.Events.PayloadCount;

        var before = GC.GetAllocatedBytesForCurrentThread();
        Burst(10_000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(received + 10_000, t.Bob.Events.PayloadCount);
        Assert.Equal(received + 10_000, t.Alice.Events.PayloadCount);
        Assert.Equal(0, t.A.DecryptFailures + t.B.DecryptFailures);
        Assert.Equal(0, allocated);
    }
}
