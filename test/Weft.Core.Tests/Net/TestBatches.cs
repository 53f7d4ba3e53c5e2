using Weft.Core.Net;
using Weft.Core.WireGuard;

namespace Weft.Core.Tests.Net;

/// <summary>Packet batches for tests: each packet in its own slot, with the WireGuard device's head and tail room around it.</summary>
internal static class TestBatches
{
    /// <summary>Slots big enough for a 1500-byte packet with the room in-place encryption needs.</summary>
    public const int SlotSize = WireGuardDevice.HeadRoom + 1500 + WireGuardDevice.TailRoom;

    public static PacketBatch From(IReadOnlyList<byte[]> packets)
    {
        var batch = new PacketBatch(packets.Count, SlotSize) { Count = packets.Count };
        for (var i = 0; i < packets.Count; i++)
        {
            packets[i].CopyTo(batch.Slot(i)[WireGuardDevice.HeadRoom..]);
            batch.Set(i, WireGuardDevice.HeadRoom, packets[i].Length);
        }

        return batch;
    }
}
