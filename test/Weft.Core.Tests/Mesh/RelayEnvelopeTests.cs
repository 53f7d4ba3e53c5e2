using System.Buffers.Binary;
using Weft.Core.Identity;
using Weft.Core.Mesh;
using Xunit;

namespace Weft.Core.Tests.Mesh;

public sealed class RelayEnvelopeTests
{
    private static readonly NodeId To = NodeId.FromSessionKey(new byte[32]);
    private static readonly NodeId From = NodeId.FromSessionKey(Enumerable.Repeat((byte)1, 32).ToArray());

    private static byte[] Inner(uint type, int length)
    {
        var inner = new byte[length];
        Random.Shared.NextBytes(inner);
        BinaryPrimitives.WriteUInt32LittleEndian(inner, type);
        return inner;
    }

    [Theory]
    [InlineData(1u, 148)]
    [InlineData(2u, 92)]
    [InlineData(3u, 64)]
    [InlineData(4u, 32)]
    [InlineData(4u, 1472)]
    public void Round_trips_with_and_without_session_padding(uint type, int length)
    {
        var inner = Inner(type, length);
        var size = RelayEnvelope.SizeFor(length);
        var padded = new byte[(size + 15) & ~15];
        Assert.Equal(size, RelayEnvelope.Write(padded, 7, To, From, inner));
        foreach (var message in new[] { padded.AsSpan(0, size).ToArray(), padded })
        {
            Assert.True(RelayEnvelope.TryRead(message, out var ttl, out var to, out var from, out var innerLength));
            Assert.Equal((7, To, From, length), (ttl, to, from, innerLength));
            Assert.True(message.AsSpan(RelayEnvelope.HeaderSize, innerLength).SequenceEqual(inner));
        }

        RelayEnvelope.DecrementTtl(padded);
        Assert.True(RelayEnvelope.TryRead(padded, out var after, out _, out _, out _));
        Assert.Equal(6, after);
    }

    [Fact]
    public void Malformed_envelopes_are_refused_without_throwing()
    {
        var good = new byte[RelayEnvelope.SizeFor(148)];
        RelayEnvelope.Write(good, 3, To, From, Inner(1, 148));
        for (var n = 0; n < good.Length; n++)
        {
            Assert.False(RelayEnvelope.TryRead(good.AsSpan(0, n), out _, out _, out _, out _));
        }

        var unknownType = new byte[RelayEnvelope.SizeFor(64)];
        RelayEnvelope.Write(unknownType, 3, To, From, Inner(9, 64));
        Assert.False(RelayEnvelope.TryRead(unknownType, out _, out _, out _, out _));

        var junk = new byte[RelayEnvelope.SizeFor(92) + 4];
        RelayEnvelope.Write(junk, 3, To, From, Inner(2, 92));
        junk[^1] = 9;
        Assert.False(RelayEnvelope.TryRead(junk, out _, out _, out _, out _));

        var shortTransport = new byte[RelayEnvelope.SizeFor(16)];
        RelayEnvelope.Write(shortTransport, 3, To, From, Inner(4, 16));
        Assert.False(RelayEnvelope.TryRead(shortTransport, out _, out _, out _, out _));

        var random = new Random(3);
        for (var i = 0; i < 5000; i++)
        {
            var garbage = new byte[random.Next(0, 200)];
            random.NextBytes(garbage);
            if (garbage.Length > 0)
            {
                garbage[0] = 0x06;
            }

            RelayEnvelope.TryRead(garbage, out _, out _, out _, out _);
        }
    }
}
