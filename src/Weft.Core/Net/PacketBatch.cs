namespace Weft.Core.Net;

/// <summary>
/// A batch of packets or datagrams kept in fixed-size slots of one array, so a whole batch moves through the hot path
/// (segment → encrypt in place → send in one system call, or receive many → decrypt each) without allocating.
/// </summary>
/// <remarks>
/// <code>
///   Buffer: | slot 0 (SlotSize bytes)          | slot 1                          | ... | slot Capacity-1 |
///           | free | packet 0 | free           | free | packet 1 | free           |
///                  ^ Offsets[0] (absolute index into Buffer), Lengths[0] bytes
/// </code>
/// <para>Slot <c>i</c> starts at <c>i * SlotSize</c>; its packet lies anywhere inside the slot, which leaves the free room
/// before it (a WireGuard header) and after it (padding and tag) that in-place encryption needs. <see cref="Count"/> slots
/// are in use, from slot 0. A batch belongs to one thread at a time; nothing in it is synchronised.</para>
/// </remarks>
public sealed class PacketBatch
{
    /// <summary>Creates a batch of <paramref name="capacity"/> slots of <paramref name="slotSize"/> bytes each.</summary>
    public PacketBatch(int capacity, int slotSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(slotSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)capacity * slotSize, Array.MaxLength, nameof(slotSize));
        Capacity = capacity;
        SlotSize = slotSize;
        Buffer = GC.AllocateUninitializedArray<byte>(capacity * slotSize, pinned: true);
        Offsets = new int[capacity];
        Lengths = new int[capacity];
    }

    /// <summary>How many slots the batch has.</summary>
    public int Capacity { get; }

    /// <summary>The size of each slot in bytes.</summary>
    public int SlotSize { get; }

    /// <summary>All slots, back to back. Pinned, so a platform layer may hand addresses inside it to the kernel.</summary>
    public byte[] Buffer { get; }

    /// <summary>Where each slot's packet starts, as an index into <see cref="Buffer"/> (not relative to the slot).</summary>
    public int[] Offsets { get; }

    /// <summary>Each slot's packet length in bytes.</summary>
    public int[] Lengths { get; }

    /// <summary>Slots in use, from slot 0.</summary>
    public int Count { get; set; }

    /// <summary>True when every slot is in use.</summary>
    public bool IsFull => Count >= Capacity;

    /// <summary>Where slot <paramref name="index"/> starts in <see cref="Buffer"/>.</summary>
    public int SlotStart(int index) => index * SlotSize;

    /// <summary>The whole of slot <paramref name="index"/>.</summary>
    public Span<byte> Slot(int index) => Buffer.AsSpan(index * SlotSize, SlotSize);

    /// <summary>The packet in slot <paramref name="index"/>.</summary>
    public Span<byte> Packet(int index) => Buffer.AsSpan(Offsets[index], Lengths[index]);

    /// <summary>Sets slot <paramref name="index"/>'s packet to <paramref name="length"/> bytes at <paramref name="offsetInSlot"/> from the slot's start.</summary>
    public void Set(int index, int offsetInSlot, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offsetInSlot);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offsetInSlot + length, SlotSize, nameof(length));
        Offsets[index] = index * SlotSize + offsetInSlot;
        Lengths[index] = length;
    }

    /// <summary>Empties the batch (the slots' bytes are left as they are).</summary>
    public void Clear() => Count = 0;
}
