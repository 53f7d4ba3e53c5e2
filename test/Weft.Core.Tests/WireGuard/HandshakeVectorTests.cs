using System.Buffers.Binary;
using System.Net;
using Weft.Core.Crypto;
using Weft.Core.WireGuard;
using Weft.Tests;
using Xunit;
using static Weft.Core.Tests.WireGuard.HandshakeVectors;

namespace Weft.Core.Tests.WireGuard;

/// <summary>
/// The C# handshake checked byte for byte, step by step, against values computed independently by
/// Vectors/wg_reference.py (its own X25519, ChaCha20-Poly1305 and XChaCha20-Poly1305).
/// </summary>
public class HandshakeVectorTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex);

    [Fact]
    public void Initial_chaining_key_and_hash_match_the_reference()
    {
        Assert.Equal(InitialChainingKey, Convert.ToHexStringLower(NoiseHandshake.InitialChainingKey));
        Assert.Equal(InitialHash, Convert.ToHexStringLower(NoiseHandshake.InitialHash));

        // The same two values as every WireGuard implementation derives (a published fact, independent of the script).
        Assert.Equal("60e26daef327efc02ec335e2a025d2d016eb4206f87277f52d38d1988b78cd36", InitialChainingKey);
        Assert.Equal("2211b361081ac566691243db458ad5322d9c6c662293e8b70ee19c65ba079ef3", InitialHash);
    }

    [Fact]
    public void Public_keys_match_the_reference()
    {
        Span<byte> pub = stackalloc byte[32];
        foreach (var (priv, expected) in new[]
                 {
                     (InitiatorStaticPrivate, InitiatorStaticPublic), (ResponderStaticPrivate, ResponderStaticPublic),
                     (InitiatorEphemeralPrivate, InitiatorEphemeralPublic), (ResponderEphemeralPrivate, ResponderEphemeralPublic),
                 })
        {
            X25519.DerivePublicKey(Hex(priv), pub);
            Assert.Equal(expected, Convert.ToHexStringLower(pub));
        }
    }

    [Fact]
    public void Handshake_step_by_step_produces_the_reference_messages_and_keys()
    {
        // 1. Initiator builds the initiation.
        var initiator = new HandshakeState();
        var initiation = new byte[148];
        Assert.True(NoiseHandshake.CreateInitiation(initiator, Hex(InitiatorStaticPrivate), Hex(InitiatorStaticPublic),
            Hex(ResponderStaticPublic), Hex(InitiatorEphemeralPrivate), InitiatorIndex, Hex(Timestamp), initiation));
        Assert.Equal(InitiationChainingKey, Convert.ToHexStringLower(initiator.ChainingKey));
        Assert.Equal(InitiationHash, Convert.ToHexStringLower(initiator.Hash));
        CheckStateAfterStatic(initiation);

        // 2. mac1 keyed by the responder's public key; no cookie => mac2 zero.
        var generator = new CookieGenerator(Hex(ResponderStaticPublic), cookieLifetime: 1000);
        generator.AddMacs(initiation, now: 0);
        Assert.Equal(Initiation, Convert.ToHexStringLower(initiation));

        // 3. Responder consumes it and reaches the same state, learning the initiator's key and timestamp.
        var responder = new HandshakeState();
        var remoteStatic = new byte[32];
        var timestamp = new byte[12];
        Assert.True(NoiseHandshake.TryConsumeInitiation(initiation, Hex(ResponderStaticPrivate), Hex(ResponderStaticPublic),
            responder, remoteStatic, timestamp));
        Assert.Equal(InitiatorStaticPublic, Convert.ToHexStringLower(remoteStatic));
        Assert.Equal(Timestamp, Convert.ToHexStringLower(timestamp));
        Assert.Equal(InitiationChainingKey, Convert.ToHexStringLower(responder.ChainingKey));
        Assert.Equal(InitiationHash, Convert.ToHexStringLower(responder.Hash));
        Assert.Equal(InitiatorIndex, responder.RemoteIndex);

        // 4. Responder builds the response with the psk.
        var response = new byte[92];
        Assert.True(NoiseHandshake.CreateResponse(responder, remoteStatic, Hex(PresharedKey), Hex(ResponderEphemeralPrivate),
            ResponderIndex, response));
        Assert.Equal(ResponseChainingKey, Convert.ToHexStringLower(responder.ChainingKey));
        Assert.Equal(ResponseHash, Convert.ToHexStringLower(responder.Hash));
        new CookieGenerator(Hex(InitiatorStaticPublic), 1000).AddMacs(response, 0);
        Assert.Equal(Response, Convert.ToHexStringLower(response));

        // 5. Initiator consumes the response and reaches the same state.
        Assert.True(NoiseHandshake.TryConsumeResponse(response, initiator, Hex(InitiatorStaticPrivate), Hex(PresharedKey)));
        Assert.Equal(ResponseChainingKey, Convert.ToHexStringLower(initiator.ChainingKey));
        Assert.Equal(ResponseHash, Convert.ToHexStringLower(initiator.Hash));
        Assert.Equal(ResponderIndex, initiator.RemoteIndex);

        // 6. Transport keys, crossed on the two sides.
        var iSend = new byte[32];
        var iReceive = new byte[32];
        var rSend = new byte[32];
        var rReceive = new byte[32];
        NoiseHandshake.DeriveTransportKeys(initiator, initiator: true, iSend, iReceive);
        NoiseHandshake.DeriveTransportKeys(responder, initiator: false, rSend, rReceive);
        Assert.Equal(InitiatorSendKey, Convert.ToHexStringLower(iSend));
        Assert.Equal(InitiatorReceiveKey, Convert.ToHexStringLower(iReceive));
        Assert.Equal(iSend, rReceive);
        Assert.Equal(iReceive, rSend);

        // 7. One transport packet each way (data from the initiator, a keepalive from the responder).
        var payload = Hex(TransportPayload);
        var buffer = new byte[WireGuardDevice.HeadRoom + payload.Length + WireGuardDevice.TailRoom];
        payload.CopyTo(buffer, WireGuardDevice.HeadRoom);
        using var sendKey = new ChaCha20Poly1305Key(iSend);
        var packet = TransportMessage.Seal(sendKey, ResponderIndex, 0, buffer, WireGuardDevice.HeadRoom, payload.Length);
        Assert.Equal(TransportPacket, Convert.ToHexStringLower(packet));

        var keepaliveBuffer = new byte[WireGuardDevice.HeadRoom + WireGuardDevice.TailRoom];
        using var responderSendKey = new ChaCha20Poly1305Key(rSend);
        var keepalive = TransportMessage.Seal(responderSendKey, InitiatorIndex, 0, keepaliveBuffer, WireGuardDevice.HeadRoom, 0);
        Assert.Equal(ResponderKeepalive, Convert.ToHexStringLower(keepalive));
    }

    /// <summary>Recomputes the first half of the initiation with the primitives to compare the intermediate state.</summary>
    private static void CheckStateAfterStatic(byte[] initiation)
    {
        var c = NoiseHandshake.InitialChainingKey.ToArray();
        var h = NoiseHandshake.InitialHash.ToArray();
        NoiseHandshake.MixHash(h, Hex(ResponderStaticPublic));
        NoiseKdf.Kdf1(c, Hex(InitiatorEphemeralPublic), c);
        NoiseHandshake.MixHash(h, Hex(InitiatorEphemeralPublic));
        var dh = new byte[32];
        Assert.True(X25519.TryAgree(Hex(InitiatorEphemeralPrivate), Hex(ResponderStaticPublic), dh));
        var k = new byte[32];
        NoiseKdf.Kdf2(c, dh, c, k);
        NoiseHandshake.MixHash(h, initiation.AsSpan(40, 48));
        Assert.Equal(InitiationAfterStaticChainingKey, Convert.ToHexStringLower(c));
        Assert.Equal(InitiationAfterStaticHash, Convert.ToHexStringLower(h));
    }

    [Fact]
    public void Mac2_from_a_cookie_and_the_cookie_reply_match_the_reference()
    {
        // The responder's cookie reply to the initiation, sealed with the reference's nonce and cookie.
        var reply = new byte[64];
        reply[0] = 3;
        BinaryPrimitives.WriteUInt32LittleEndian(reply.AsSpan(4), InitiatorIndex);
        Hex(CookieNonce).CopyTo(reply, 8);
        var cookieKey = MacKeys.CookieKey(Hex(ResponderStaticPublic));
        XChaCha20Poly1305.Seal(cookieKey, Hex(CookieNonce), Hex(CookieValue), reply.AsSpan(32), Hex(Initiation).AsSpan(116, 16));
        Assert.Equal(CookieReply, Convert.ToHexStringLower(reply));

        // The initiator opens it (it remembers the mac1 it sent) and then puts mac2 on the same initiation.
        var generator = new CookieGenerator(Hex(ResponderStaticPublic), cookieLifetime: 1000);
        var initiation = Hex(Initiation);
        generator.AddMacs(initiation, now: 0);
        Assert.True(generator.TryConsumeCookieReply(Hex(CookieReply), now: 1));
        generator.AddMacs(initiation, now: 2);
        Assert.Equal(InitiationWithCookie, Convert.ToHexStringLower(initiation));

        // After the cookie's lifetime mac2 is zero again.
        generator.AddMacs(initiation, now: 1001);
        Assert.Equal(Initiation, Convert.ToHexStringLower(initiation));
    }

    /// <summary>
    /// The whole device, not just the functions: with its random source scripted to yield the reference's
    /// index and ephemeral key, and its clock at the reference's timestamp, the initiator device sends
    /// exactly the reference initiation, the responder device exactly the reference response, and the
    /// initiator's first (queued) packet is exactly the reference transport packet.
    /// </summary>
    [Fact]
    public void Devices_with_injected_randomness_and_time_emit_the_reference_bytes()
    {
        var start = DateTimeOffset.FromUnixTimeSeconds(0x6915c8db).AddTicks(305419800 / 100);
        var time = new ManualTimeProvider(start);
        var network = new InMemoryNetwork();
        var initiatorRandom = new ScriptedRandom();
        initiatorRandom.Enqueue(LittleEndian(InitiatorIndex));
        initiatorRandom.Enqueue(Hex(InitiatorEphemeralPrivate));
        var responderRandom = new ScriptedRandom();
        responderRandom.Enqueue(LittleEndian(ResponderIndex));
        responderRandom.Enqueue(Hex(ResponderEphemeralPrivate));

        var a = network.AddHost(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 51820), Hex(InitiatorStaticPrivate), time, initiatorRandom);
        var b = network.AddHost(new IPEndPoint(IPAddress.Parse("192.0.2.2"), 51820), Hex(ResponderStaticPrivate), time, responderRandom);
        var peerB = a.Device.AddPeer(Hex(ResponderStaticPublic), Hex(PresharedKey), b.At);
        b.Device.AddPeer(Hex(InitiatorStaticPublic), Hex(PresharedKey));

        var wire = new List<byte[]>();
        network.Tap = d =>
        {
            wire.Add(d.Data.ToArray());
            return true;
        };

        a.Device.Send(peerB, Hex(TransportPayload));
        network.Pump();

        Assert.True(wire.Count >= 3, $"expected initiation, response and data, saw {wire.Count} datagrams");
        Assert.Equal(Initiation, Convert.ToHexStringLower(wire[0]));
        Assert.Equal(Response, Convert.ToHexStringLower(wire[1]));
        Assert.Equal(TransportPacket, Convert.ToHexStringLower(wire[2]));
        // The payload is an IPv4 packet of total length 28 followed by 5 stray bytes: delivered trimmed to 28.
        Assert.Equal(Hex(TransportPayload)[..28], b.Events.Payloads.Single());
    }

    private static byte[] LittleEndian(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }
}
