using System.Net;
using Weft.Core.Crypto;
using Weft.Core.WireGuard;
using Weft.Tests;

namespace Weft.Core.Tests.WireGuard;

/// <summary>Two devices, Alice and Bob, that know each other, on an in-memory network with a manual clock.</summary>
internal sealed class TwoPeers : IDisposable
{
    public TwoPeers(bool bobKnowsAlice = true, byte[]? alicePsk = null, byte[]? bobPsk = null, int seed = 7)
    {
        Time = new ManualTimeProvider();
        Network = new InMemoryNetwork();
        AliceKey = NewKey();
        BobKey = NewKey();
        Alice = Network.AddHost(new IPEndPoint(IPAddress.Parse("198.51.100.1"), 51820), AliceKey, Time, new ScriptedRandom(seed));
        Bob = Network.AddHost(new IPEndPoint(IPAddress.Parse("198.51.100.2"), 51820), BobKey, Time, new ScriptedRandom(seed + 1));
        BobAtAlice = Alice.Device.AddPeer(Bob.Device.PublicKey, alicePsk, Bob.At);
        if (bobKnowsAlice)
        {
            AliceAtBob = Bob.Device.AddPeer(Alice.Device.PublicKey, bobPsk);
        }
    }

    public ManualTimeProvider Time { get; }

    public InMemoryNetwork Network { get; }

    public byte[] AliceKey { get; }

    public byte[] BobKey { get; }

    public TestHost Alice { get; }

    public TestHost Bob { get; }

    public WireGuardPeer BobAtAlice { get; }

    public WireGuardPeer? AliceAtBob { get; set; }

    public WireGuardCounters A => Alice.Device.Counters;

    public WireGuardCounters B => Bob.Device.Counters;

    public static byte[] NewKey()
    {
        var priv = new byte[32];
        var pub = new byte[32];
        X25519.GenerateKeyPair(priv, pub);
        return priv;
    }

    /// <summary>Moves the clock in 100 ms steps, ticking both devices and delivering datagrams, as a host would.</summary>
    public void Run(TimeSpan duration)
    {
        var step = TimeSpan.FromMilliseconds(100);
        for (var elapsed = TimeSpan.Zero; elapsed < duration; elapsed += step)
        {
            Time.Advance(step);
            Alice.Device.Tick();
            Bob.Device.Tick();
            Network.Pump();
        }
    }

    /// <summary>Alice sends Bob a payload and the network delivers it (with any handshake it needs).</summary>
    public void AliceSends(byte[] payload)
    {
        Alice.Device.Send(BobAtAlice, payload);
        Network.Pump();
    }

    public void BobSends(byte[] payload)
    {
        Bob.Device.Send(AliceAtBob!, payload);
        Network.Pump();
    }

    /// <summary>A small IPv4 packet whose last byte is <paramref name="tag"/> (so it is delivered untrimmed).</summary>
    public static byte[] Ipv4Packet(byte tag, int length = 40)
    {
        var p = new byte[length];
        p[0] = 0x45;
        p[2] = (byte)(length >> 8);
        p[3] = (byte)length;
        p[length - 1] = tag;
        return p;
    }

    public void Dispose()
    {
        Alice.Device.Dispose();
        Bob.Device.Dispose();
    }
}
