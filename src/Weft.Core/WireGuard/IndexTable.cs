using System.Collections.Concurrent;
using Weft.Core.Net;

namespace Weft.Core.WireGuard;

/// <summary>
/// Maps our random 32-bit sender indexes to what they name: a handshake in progress with a peer,
/// or a keypair. Every incoming response, cookie reply and transport message is routed by it.
/// Safe from any thread (a concurrent dictionary; lookups allocate nothing).
/// </summary>
internal sealed class IndexTable
{
    private readonly ConcurrentDictionary<uint, IndexEntry> entries = new();
    private readonly IRandomSource random;

    public IndexTable(IRandomSource random) => this.random = random;

    public int Count => entries.Count;

    /// <summary>Picks a fresh random index for <paramref name="entry"/>.</summary>
    public uint Add(IndexEntry entry)
    {
        Span<byte> bytes = stackalloc byte[4];
        while (true)
        {
            random.Fill(bytes);
            var index = BitConverter.ToUInt32(bytes);
            if (entries.TryAdd(index, entry))
            {
                return index;
            }
        }
    }

    /// <summary>Points an existing index at a new target (a handshake's index becoming its keypair's).</summary>
    public void Replace(uint index, IndexEntry entry) => entries[index] = entry;

    public bool TryGet(uint index, out IndexEntry entry) => entries.TryGetValue(index, out entry!);

    /// <summary>Removes <paramref name="index"/> only while it still names <paramref name="entry"/>.</summary>
    public void Remove(uint index, IndexEntry entry) => entries.TryRemove(new KeyValuePair<uint, IndexEntry>(index, entry));
}

/// <summary>What an index names: a peer's pending handshake (<see cref="Keypair"/> null) or one of its keypairs.</summary>
internal sealed class IndexEntry(WireGuardPeer peer, Keypair? keypair)
{
    public WireGuardPeer Peer { get; } = peer;

    public Keypair? Keypair { get; } = keypair;
}
