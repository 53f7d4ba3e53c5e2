namespace Weft.Platform.Udp;

/// <summary>
/// Splits a sequence of datagram lengths into the runs one UDP GSO send can carry: datagrams of one length, optionally
/// followed by a single shorter (non-empty) one, at most <see cref="MaxSegments"/> of them and <see cref="MaxBytes"/>
/// bytes in all. The kernel cuts such a run back into the same datagrams (gso_size = the first length).
/// </summary>
/// <remarks>
/// <code>
///   lengths: 1420 1420 1420  900 | 1420 1420 | 9000 | 1 | 1419 1419 1
///            └── run (4) ───────┘  └ run (2) ┘  └(1)┘ └1┘ └─ run (3) ┘
/// </code>
/// A run of one is sent without the UDP_SEGMENT control message.
/// </remarks>
internal static class GsoRun
{
    /// <summary>Segments per GSO send (the kernel's UDP_MAX_SEGMENTS was 64 for years; newer kernels allow more).</summary>
    public const int MaxSegments = 64;

    /// <summary>Bytes per GSO send, below the 65,507-byte IPv4 UDP payload limit.</summary>
    public const int MaxBytes = 65000;

    /// <summary>
    /// The length of the run that starts at <paramref name="start"/>: how many of <paramref name="lengths"/>
    /// [<paramref name="start"/>, <paramref name="end"/>) one GSO send carries (at least 1 when start &lt; end).
    /// </summary>
    public static int Length(ReadOnlySpan<int> lengths, int start, int end)
    {
        int size = lengths[start];
        if (size <= 0 || size > MaxBytes)
        {
            return 1;
        }

        int count = 1;
        int total = size;
        int i = start + 1;
        while (i < end && count < MaxSegments)
        {
            int next = lengths[i];
            if (next > size || next <= 0 || total + next > MaxBytes)
            {
                break;
            }

            count++;
            total += next;
            i++;
            if (next < size)
            {
                break; // the one shorter datagram ends the run
            }
        }

        return count;
    }
}
