namespace Weft.Core.Offload;

/// <summary>What <see cref="GsoSegmenter.Segment(in VirtioNetHeader, ReadOnlySpan{byte}, Weft.Core.Net.PacketBatch, int, int, ref int)"/> did with a packet.</summary>
public enum GsoStatus
{
    /// <summary>Every segment is in the batch; the cursor is back at 0.</summary>
    Complete,

    /// <summary>The batch filled first: send it, clear it and call again with the same packet and cursor.</summary>
    BatchFull,

    /// <summary>The packet is shorter than its headers say, or its IP length field disagrees with its size.</summary>
    BadLength,

    /// <summary>Not IPv4/IPv6, an IPv4 fragment, IPv6 extension headers, or an L4 protocol that does not match the gso_type.</summary>
    Unsupported,

    /// <summary>gso_size is 0 for a GSO type.</summary>
    BadGsoSize,

    /// <summary>A gso_type Weft does not know (or legacy UFO).</summary>
    UnknownGsoType,

    /// <summary>csum_start / csum_offset point outside the packet.</summary>
    BadChecksumOffset,

    /// <summary>A segment (head room + headers + gso_size + tail room) does not fit in a batch slot.</summary>
    TooLargeForSlot,
}
