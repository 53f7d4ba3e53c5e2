using System.Net;
using Weft.Core.Net;
using Weft.Core.WireGuard;
using Xunit;

namespace Weft.Core.Tests.WireGuard;

/// <summary>Two WireGuard devices over the in-memory network: handshakes, data, timers, cookies, roaming.</summary>
public class WireGuardDeviceTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void Handshake_then_payloads_flow_both_ways()
    {
        using var t = new TwoPeers();

        // Alice has no session: the packet waits while a handshake runs, then goes out.
        t.AliceSends(TwoPeers.Ipv4Packet(1));
        Assert.True(t.BobAtAlice.HasSession);
        Assert.True(t.AliceAtBob!.HasSession);
        Assert.Equal([TwoPeers.Ipv4Packet(1)], t.Bob.Events.Payloads);
        Assert.Equal(1, t.A.HandshakeInitiationsSent);
        Assert.Equal(1, t.B.HandshakeInitiationsReceived);
        Assert.Equal(1, t.A.HandshakeResponsesReceived);
        Assert.Equal([(t.BobAtAlice, true)], t.Alice.Events.Sessions);
        Assert.Equal([(t.AliceAtBob, false)], t.Bob.Events.Sessions);
        Assert.NotNull(t.BobAtAlice.LastHandshake);

        // Now both directions, many packets of varied sizes (padding edge cases included).
        for (var i = 0; i < 50; i++)
        {
            t.AliceSends(TwoPeers.Ipv4Packet((byte)i, 20 + i));
            t.BobSends(TwoPeers.Ipv4Packet((byte)(100 + i), 20 + (3 * i)));
        }

        Assert.Equal(51, t.Bob.Events.Payloads.Count);
        Assert.Equal(50, t.Alice.Events.Payloads.Count);
        Assert.Equal(TwoPeers.Ipv4Packet(149, 20 + 147), t.Alice.Events.Payloads[^1]);
        Assert.Equal(1, t.A.HandshakeInitiationsSent);
        Assert.True(t.BobAtAlice.TxBytes > 0 && t.BobAtAlice.RxBytes > 0);
        Assert.Equal(0, t.A.DecryptFailures + t.B.DecryptFailures + t.A.Replays + t.B.Replays);
    }

    [Fact]
    public void Control_payloads_keep_their_padding_and_ipv6_is_trimmed()
    {
        using var t = new TwoPeers();
        t.AliceSends([0x01, 0xAA, 0xBB]);
        Assert.Equal(new byte[] { 0x01, 0xAA, 0xBB, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, t.Bob.Events.Payloads[0]);

        var v6 = new byte[45];
        v6[0] = 0x60;
        v6[5] = 5;   // payload length 5 => 45 bytes in all
        v6[44] = 9;
        t.AliceSends(v6);
        Assert.Equal(v6, t.Bob.Events.Payloads[1]);
    }

    [Fact]
    public void Psk_mismatch_fails_the_handshake()
    {
        using var t = new TwoPeers(alicePsk: Enumerable.Repeat((byte)1, 32).ToArray(), bobPsk: Enumerable.Repeat((byte)2, 32).ToArray());
        t.AliceSends(TwoPeers.Ipv4Packet(1));
        Assert.False(t.BobAtAlice.HasSession);
        Assert.Equal(1, t.A.HandshakeFailures);
        Assert.Empty(t.Bob.Events.Payloads);
    }

    [Fact]
    public void Psk_match_works()
    {
        var psk = Enumerable.Repeat((byte)5, 32).ToArray();
        using var t = new TwoPeers(alicePsk: psk, bobPsk: psk);
        t.AliceSends(TwoPeers.Ipv4Packet(1));
        Assert.Single(t.Bob.Events.Payloads);
    }

    [Fact]
    public void Replayed_data_packet_is_dropped_and_counted()
    {
        using var t = new TwoPeers();
        t.AliceSends(TwoPeers.Ipv4Packet(1));
        InMemoryNetwork.Datagram? captured = null;
        t.Network.Tap = d =>
        {
            if (d.Type == 4 && d.Data.Length > 32)
            {
                captured = d;
            }

            return true;
        };
        t.AliceSends(TwoPeers.Ipv4Packet(2));
        Assert.NotNull(captured);
        Assert.Equal(2, t.Bob.Events.Payloads.Count);

        t.Network.Inject(captured.Data, captured.From, captured.To);
        t.Network.Pump();
        Assert.Equal(2, t.Bob.Events.Payloads.Count);
        Assert.Equal(1, t.B.Replays);
    }

    [Fact]
    public void Lost_response_is_retransmitted_after_rekey_timeout()
    {
        using var t = new TwoPeers();
        var dropFirstResponse = true;
        t.Network.Tap = d =>
        {
            if (d.Type == 2 && dropFirstResponse)
            {
                dropFirstResponse = false;
                return false;
            }

            return true;
        };

        t.AliceSends(TwoPeers.Ipv4Packet(1));
        Assert.False(t.BobAtAlice.HasSession);
        Assert.Equal(1, t.A.HandshakeInitiationsSent);

        // Nothing before REKEY_TIMEOUT (5 s)...
        t.Run(TimeSpan.FromSeconds(4.9));
        Assert.Equal(1, t.A.HandshakeInitiationsSent);

        // ...then the initiation goes again (within the 333 ms jitter), the answer arrives, the queued packet follows.
        t.Run(TimeSpan.FromSeconds(0.5));
        Assert.Equal(2, t.A.HandshakeInitiationsSent);
        Assert.True(t.BobAtAlice.HasSession);
        Assert.Equal([TwoPeers.Ipv4Packet(1)], t.Bob.Events.Payloads);
    }

    [Fact]
    public void Rekey_after_120_seconds_keeps_traffic_flowing()
    {
        using var t = new TwoPeers();
        t.AliceSends(TwoPeers.Ipv4Packet(0));
        var handshakesBefore = t.A.HandshakeInitiationsSent;

        // Traffic every second for 200 s, both ways: Alice (the initiator) rekeys on the first send after
        // 120 s; no packet is lost across the switch of keys.
        for (var i = 1; i <= 200; i++)
        {
            t.Run(Second);
            t.AliceSends(TwoPeers.Ipv4Packet((byte)i));
            t.BobSends(TwoPeers.Ipv4Packet((byte)i));
            if (i == 119)
            {
                Assert.Equal(handshakesBefore, t.A.HandshakeInitiationsSent);
            }

            if (i == 121)
            {
                Assert.Equal(handshakesBefore + 1, t.A.HandshakeInitiationsSent);
            }
        }

        Assert.True(t.A.HandshakeInitiationsSent > handshakesBefore, "Alice should have rekeyed");
        Assert.Equal(201, t.Bob.Events.Payloads.Count);
        Assert.Equal(200, t.Alice.Events.Payloads.Count);
        Assert.Equal(0, t.A.ExpiredKeypair + t.B.ExpiredKeypair + t.A.DecryptFailures + t.B.DecryptFailures);
    }

    [Fact]
    public void Keys_are_refused_after_180_seconds_without_rekey()
    {
        using var t = new TwoPeers();
        t.AliceSends(TwoPeers.Ipv4Packet(0));

        // Capture (and withhold) a data packet, then cut the network so no rekey can happen.
        InMemoryNetwork.Datagram? captured = null;
        t.Network.Tap = d =>
        {
            captured ??= d.Type == 4 ? d : null;
            return false;
        };
        t.Alice.Device.Send(t.BobAtAlice, TwoPeers.Ipv4Packet(1));
        Assert.NotNull(captured);

        t.Time.Advance(TimeSpan.FromSeconds(181));
        t.Network.Tap = null;
        t.Network.Inject(captured.Data, captured.From, captured.To);
        t.Network.Pump();
        Assert.Equal(1, t.B.ExpiredKeypair);
        Assert.Single(t.Bob.Events.Payloads);

        // Alice does not send on the expired keys either: the packet waits for a new handshake.
        Assert.False(t.BobAtAlice.HasSession);
        var oldReceiver = BitConverter.ToUInt32(captured.Data, 4);
        var transportReceivers = new List<uint>();
        t.Network.Tap = d =>
        {
            if (d.Type == 4)
            {
                transportReceivers.Add(BitConverter.ToUInt32(d.Data, 4));
            }

            return true;
        };
        t.AliceSends(TwoPeers.Ipv4Packet(2));
        Assert.Equal(2, t.A.HandshakeInitiationsSent);
        Assert.NotEmpty(transportReceivers);
        Assert.DoesNotContain(oldReceiver, transportReceivers);
        Assert.Equal(TwoPeers.Ipv4Packet(2), t.Bob.Events.Payloads[^1]);
    }

    [Fact]
    public void Keepalive_after_10_seconds_of_receiving_without_sending()
    {
        using var t = new TwoPeers();
        t.AliceSends(TwoPeers.Ipv4Packet(0));
        var before = t.B.KeepalivesSent;

        t.Run(TimeSpan.FromSeconds(9.5));
        Assert.Equal(before, t.B.KeepalivesSent);
        t.Run(TimeSpan.FromSeconds(1));
        Assert.Equal(before + 1, t.B.KeepalivesSent);
        Assert.True(t.A.KeepalivesReceived >= 1);

        // Only one: nothing more arrived, so nothing more is owed.
        t.Run(TimeSpan.FromSeconds(30));
        Assert.Equal(before + 1, t.B.KeepalivesSent);
    }

    [Fact]
    public void New_handshake_when_data_sent_gets_no_answer_for_15_seconds()
    {
        using var t = new TwoPeers();
        t.AliceSends(TwoPeers.Ipv4Packet(0));
        t.Run(TimeSpan.FromSeconds(20));   // let the confirmation keepalive settle
        var initiations = t.A.HandshakeInitiationsSent;

        t.Network.Tap = d => d.From != t.Bob.Endpoint;   // Bob's answers are lost
        t.Alice.Device.Send(t.BobAtAlice, TwoPeers.Ipv4Packet(1));
        t.Run(TimeSpan.FromSeconds(14.8));
        Assert.Equal(initiations, t.A.HandshakeInitiationsSent);
        t.Run(TimeSpan.FromSeconds(0.4));
        Assert.Equal(initiations + 1, t.A.HandshakeInitiationsSent);
    }

    [Fact]
    public void Persistent_keepalive_brings_the_tunnel_up_and_keeps_it_warm()
    {
        using var t = new TwoPeers();
        t.BobAtAlice.PersistentKeepalive = TimeSpan.FromSeconds(25);
        t.Run(TimeSpan.FromSeconds(1));
        Assert.True(t.BobAtAlice.HasSession);
        var sent = t.A.KeepalivesSent;
        t.Run(TimeSpan.FromSeconds(60));
        Assert.InRange(t.A.KeepalivesSent - sent, 2, 3);
    }

    [Fact]
    public void Roaming_moves_the_endpoint()
    {
        using var t = new TwoPeers();
        t.AliceSends(TwoPeers.Ipv4Packet(0));
        Assert.Equal(t.Alice.At, t.AliceAtBob!.Endpoint);

        var newHome = new IPEndPoint(IPAddress.Parse("203.0.113.77"), 40000);
        t.Network.Move(t.Alice, newHome);
        t.AliceSends(TwoPeers.Ipv4Packet(1));
        Assert.Equal(UdpEndpoint.Of(newHome), t.AliceAtBob.Endpoint);
        Assert.Equal(1, t.B.EndpointChanges);

        // Bob's answer goes to the new place.
        t.BobSends(TwoPeers.Ipv4Packet(2));
        Assert.Equal([TwoPeers.Ipv4Packet(2)], t.Alice.Events.Payloads);
    }

    [Fact]
    public void Forged_packet_from_elsewhere_does_not_move_the_endpoint()
    {
        using var t = new TwoPeers();
        t.AliceSends(TwoPeers.Ipv4Packet(0));
        InMemoryNetwork.Datagram? captured = null;
        t.Network.Tap = d =>
        {
            captured ??= d.Type == 4 && d.Data.Length > 32 ? d : null;
            return true;
        };
        t.AliceSends(TwoPeers.Ipv4Packet(1));
        var forged = captured!.Data.ToArray();
        forged[^1] ^= 1;
        t.Network.Inject(forged, new IPEndPoint(IPAddress.Parse("192.0.2.66"), 1), t.Bob.Endpoint);
        t.Network.Pump();
        Assert.Equal(1, t.B.DecryptFailures);
        Assert.Equal(t.Alice.At, t.AliceAtBob!.Endpoint);
    }

    [Fact]
    public void Under_load_cookie_reply_then_retry_with_mac2_succeeds()
    {
        using var t = new TwoPeers();
        t.Bob.Device.UnderLoad = true;

        t.AliceSends(TwoPeers.Ipv4Packet(1));
        Assert.Equal(1, t.B.CookieRepliesSent);
        Assert.Equal(1, t.A.CookieRepliesReceived);
        Assert.Equal(0, t.B.HandshakeInitiationsReceived);
        Assert.False(t.BobAtAlice.HasSession);

        // The retransmission carries mac2 from the cookie and is answered although Bob is still loaded.
        t.Run(TimeSpan.FromSeconds(5.5));
        Assert.Equal(1, t.B.CookieRepliesSent);
        Assert.Equal(1, t.B.HandshakeInitiationsReceived);
        Assert.True(t.BobAtAlice.HasSession);
        Assert.Equal([TwoPeers.Ipv4Packet(1)], t.Bob.Events.Payloads);
    }

    [Fact]
    public void Replayed_initiation_is_rejected_by_its_timestamp()
    {
        using var t = new TwoPeers();
        InMemoryNetwork.Datagram? initiation = null;
        t.Network.Tap = d =>
        {
            initiation ??= d.Type == 1 ? d : null;
            return true;
        };
        t.AliceSends(TwoPeers.Ipv4Packet(1));
        t.Time.Advance(Second);

        t.Network.Inject(initiation!.Data, initiation.From, initiation.To);
        t.Network.Pump();
        Assert.Equal(1, t.B.ReplayedInitiations);
        Assert.Equal(1, t.B.HandshakeInitiationsReceived);
    }

    [Fact]
    public void Initiations_closer_than_50_ms_are_dropped_as_a_flood()
    {
        using var t = new TwoPeers();
        t.AliceSends(TwoPeers.Ipv4Packet(1));
        var before = t.B.HandshakeInitiationsReceived;

        // Two fresh initiations (new timestamps) 10 ms apart: the second is a flood.
        t.Time.Advance(TimeSpan.FromSeconds(6));
        t.Alice.Device.Tick();
        t.Network.Tap = d => d.Type == 1;
        ForceInitiation(t);
        t.Time.Advance(TimeSpan.FromMilliseconds(10));
        ForceInitiation(t);
        t.Network.Pump();
        Assert.Equal(before + 1, t.B.HandshakeInitiationsReceived);
        Assert.Equal(1, t.B.FloodedInitiations);
    }

    private static void ForceInitiation(TwoPeers t)
    {
        // A keepalive with no usable session starts a handshake; reset the rate limit by expiring the session.
        t.Alice.Device.ForceHandshakeForTest(t.BobAtAlice);
    }

    [Fact]
    public void Handshake_is_given_up_after_90_seconds_and_queue_dropped()
    {
        using var t = new TwoPeers();
        t.Network.Tap = _ => false;   // Bob unreachable
        t.Alice.Device.Send(t.BobAtAlice, TwoPeers.Ipv4Packet(1));
        t.Run(TimeSpan.FromSeconds(120));
        Assert.Equal(1, t.A.HandshakesGivenUp);
        Assert.InRange(t.A.HandshakeInitiationsSent, 17, 18);
        Assert.Equal(1, t.A.QueueDropsOnGiveUp);

        // No more attempts after giving up.
        var sent = t.A.HandshakeInitiationsSent;
        t.Run(TimeSpan.FromSeconds(30));
        Assert.Equal(sent, t.A.HandshakeInitiationsSent);
    }

    [Fact]
    public void Keys_are_zeroed_after_three_times_reject_after_time()
    {
        using var t = new TwoPeers();
        t.AliceSends(TwoPeers.Ipv4Packet(1));
        var indexesBefore = t.Alice.Device.IndexCount;
        Assert.True(indexesBefore > 0);
        t.Run(TimeSpan.FromSeconds(541));
        Assert.Equal(1, t.A.KeysZeroed);
        Assert.False(t.BobAtAlice.HasSession);
        Assert.Equal(0, t.Alice.Device.IndexCount);
    }

    [Fact]
    public void Queue_is_bounded_and_overflow_drops_the_oldest()
    {
        using var t = new TwoPeers();
        t.Network.Tap = _ => false;
        for (var i = 0; i < 70; i++)
        {
            t.Alice.Device.Send(t.BobAtAlice, TwoPeers.Ipv4Packet((byte)i));
        }

        Assert.Equal(6, t.A.QueueOverflows);
        t.Network.Tap = null;
        t.Run(TimeSpan.FromSeconds(6));
        Assert.Equal(64, t.Bob.Events.Payloads.Count);
        Assert.Equal(TwoPeers.Ipv4Packet(6), t.Bob.Events.Payloads[0]);
        Assert.Equal(TwoPeers.Ipv4Packet(69), t.Bob.Events.Payloads[^1]);
    }

    [Fact]
    public void Unknown_peer_is_asked_about_and_added_when_accepted()
    {
        using var t = new TwoPeers(bobKnowsAlice: false);
        t.AliceSends(TwoPeers.Ipv4Packet(1));
        Assert.Single(t.Bob.Events.UnknownKeysSeen);
        Assert.Equal(t.Alice.Device.PublicKey, t.Bob.Events.UnknownKeysSeen[0]);
        Assert.Equal(1, t.B.UnknownPeers);
        Assert.Empty(t.Bob.Device.Peers);

        t.Bob.Events.AcceptUnknown = true;
        t.Run(TimeSpan.FromSeconds(6));
        var alice = Assert.Single(t.Bob.Device.Peers);
        Assert.Equal(t.Alice.Device.PublicKey, alice.PublicKey);
        Assert.Equal(t.Alice.At, alice.Endpoint);
        Assert.Equal([TwoPeers.Ipv4Packet(1)], t.Bob.Events.Payloads);
        t.AliceAtBob = alice;
        t.BobSends(TwoPeers.Ipv4Packet(2));
        Assert.Equal([TwoPeers.Ipv4Packet(2)], t.Alice.Events.Payloads);
    }

    [Fact]
    public void Removed_peer_gets_nothing_and_its_indexes_are_gone()
    {
        using var t = new TwoPeers();
        t.AliceSends(TwoPeers.Ipv4Packet(1));
        Assert.True(t.Bob.Device.RemovePeer(t.AliceAtBob!));
        Assert.False(t.Bob.Device.RemovePeer(t.AliceAtBob!));
        Assert.Equal(0, t.Bob.Device.IndexCount);
        t.AliceSends(TwoPeers.Ipv4Packet(2));
        Assert.Single(t.Bob.Events.Payloads);
        Assert.Equal(1, t.B.UnknownReceiverIndex);
    }

    [Fact]
    public void Add_peer_is_idempotent()
    {
        using var t = new TwoPeers();
        var again = t.Alice.Device.AddPeer(t.Bob.Device.PublicKey);
        Assert.Same(t.BobAtAlice, again);
        Assert.Same(t.BobAtAlice, t.Alice.Device.FindPeer(t.Bob.Device.PublicKey));
        Assert.Single(t.Alice.Device.Peers);
    }

    [Fact]
    public void Responder_waits_for_confirmation_instead_of_starting_its_own_handshake()
    {
        using var t = new TwoPeers();
        t.Alice.Device.Send(t.BobAtAlice, TwoPeers.Ipv4Packet(1));
        Assert.Equal(1, t.Network.Pump(max: 1));   // the initiation reaches Bob; his response is in flight

        // Bob has answered but holds only an unconfirmed keypair: his packet waits, no initiation of his own.
        t.Bob.Device.Send(t.AliceAtBob!, TwoPeers.Ipv4Packet(2));
        Assert.False(t.AliceAtBob!.HasSession);
        t.Network.Pump();

        Assert.Equal(0, t.B.HandshakeInitiationsSent);
        Assert.Equal([TwoPeers.Ipv4Packet(1)], t.Bob.Events.Payloads);
        Assert.Equal([TwoPeers.Ipv4Packet(2)], t.Alice.Events.Payloads);
        Assert.True(t.AliceAtBob.HasSession);
    }

    [Fact]
    public void Send_checks_head_and_tail_room()
    {
        using var t = new TwoPeers();
        var buffer = new byte[100];
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Alice.Device.Send(t.BobAtAlice, buffer, 15, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Alice.Device.Send(t.BobAtAlice, buffer, 16, 53));
        t.Alice.Device.Send(t.BobAtAlice, buffer, 16, 52);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Simultaneous_initiations_settle_on_a_working_session(int seed)
    {
        // Both send at once: each answers the other's initiation and abandons its own; the jittered
        // retransmissions then settle it.
        using var t = new TwoPeers(seed: seed * 10);
        t.AliceAtBob!.Endpoint = t.Alice.At;
        t.Alice.Device.Send(t.BobAtAlice, TwoPeers.Ipv4Packet(1));
        t.Bob.Device.Send(t.AliceAtBob, TwoPeers.Ipv4Packet(2));
        t.Run(TimeSpan.FromSeconds(30));

        Assert.Contains(TwoPeers.Ipv4Packet(1), t.Bob.Events.Payloads);
        Assert.Contains(TwoPeers.Ipv4Packet(2), t.Alice.Events.Payloads);
        t.AliceSends(TwoPeers.Ipv4Packet(3));
        t.BobSends(TwoPeers.Ipv4Packet(4));
        Assert.Equal(TwoPeers.Ipv4Packet(3), t.Bob.Events.Payloads[^1]);
        Assert.Equal(TwoPeers.Ipv4Packet(4), t.Alice.Events.Payloads[^1]);
    }
}
