using Weft.Core.Nat;
using Xunit;

namespace Weft.Core.Tests.Nat;

/// <summary>The NAT probe datagram ("WEF\x05" + 16 bytes): layout and recognition.</summary>
public class NatProbeTests
{
    [Fact]
    public void Probe_is_magic_then_token()
    {
        var token = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();
        var probe = new byte[NatProbe.Size];
        NatProbe.Write(probe, token);
        Assert.Equal("57454605" + "0102030405060708090A0B0C0D0E0F10", Convert.ToHexString(probe));
        Assert.True(NatProbe.IsProbe(probe));
        Assert.True(NatProbe.TryRead(probe, out var read));
        Assert.Equal(token, read.ToArray());
    }

    [Fact]
    public void Only_exact_probes_carry_a_token_and_WireGuard_messages_are_never_probes()
    {
        var probe = new byte[NatProbe.Size + 1];
        "WEF\x05"u8.CopyTo(probe);
        Assert.True(NatProbe.IsProbe(probe));                       // recognised (and counted) ...
        Assert.False(NatProbe.TryRead(probe, out _));               // ... but no token: wrong length
        Assert.False(NatProbe.TryRead(probe.AsSpan(0, 19), out _));
        Assert.False(NatProbe.IsProbe("WEF"u8));
        Assert.False(NatProbe.IsProbe("WEF\x03"u8.ToArray().Concat(new byte[16]).ToArray()));   // a LAN beacon
        for (byte type = 1; type <= 4; type++)
        {
            Assert.False(NatProbe.IsProbe([type, 0, 0, 0, .. new byte[28]]));
        }

        Assert.Throws<ArgumentException>(() => NatProbe.Write(new byte[NatProbe.Size], new byte[15]));
    }
}
