using System.Collections.Concurrent;
using System.Net;
using Weft.Core.Net;
using Weft.Core.WireGuard;
using Weft.Tests;
using Xunit;

namespace Weft.Core.Tests.WireGuard;

/// <summary>Senders on several threads each way plus a timer thread that forces rekeys: nothing lost, nothing thrown.</summary>
public class ConcurrencyTests
{
    [Fact]
    public void Concurrent_senders_receivers_and_ticks_through_rekeys()
    {
        var time = new ManualTimeProvider();
        var a = new ThreadSafeLink(new IPEndPoint(IPAddress.Parse("198.51.100.1"), 1));
        var b = new ThreadSafeLink(new IPEndPoint(IPAddress.Parse("198.51.100.2"), 2));
        var aEvents = new CountingEvents();
        var bEvents = new CountingEvents();
        using var alice = new WireGuardDevice(TwoPeers.NewKey(), a, time, aEvents);
        using var bob = new WireGuardDevice(TwoPeers.NewKey(), b, time, bEvents);
        a.Peer = (bob, b.Self);
        b.Peer = (alice, a.Self);
        var bobAtAlice = alice.AddPeer(bob.PublicKey, endpoint: b.Self);
        var aliceAtBob = bob.AddPeer(alice.PublicKey, endpoint: a.Self);

        alice.Send(bobAtAlice, TwoPeers.Ipv4Packet(0));
        Assert.Equal(1, bEvents.Payloads);

        const int threadsPerSide = 2;
        const int packetsPerThread = 3000;
        using var stop = new CancellationTokenSource();
        var errors = new ConcurrentQueue<Exception>();
        var ticker = new Thread(() =>
        {
            try
            {
                // Up to 400 s of protocol time in 5 s steps (several rekeys), bounded in wall time by the senders.
                for (var i = 0; i < 80 && !stop.IsCancellationRequested; i++)
                {
                    time.Advance(TimeSpan.FromSeconds(5));
                    alice.Tick();
                    bob.Tick();
                    Thread.Sleep(1);
                }
            }
            catch (Exception e)
            {
                errors.Enqueue(e);
            }
        });
        var senders = new List<Thread>();
        for (var s = 0; s < threadsPerSide * 2; s++)
        {
            var fromAlice = s % 2 == 0;
            senders.Add(new Thread(() =>
            {
                try
                {
                    var buffer = new byte[WireGuardDevice.HeadRoom + 100 + WireGuardDevice.TailRoom];
                    for (var i = 0; i < packetsPerThread; i++)
                    {
                        if (i % 50 == 0)
                        {
                            Thread.Sleep(1);   // let the clock move while traffic flows
                        }

                        TwoPeers.Ipv4Packet((byte)i, 100).CopyTo(buffer, WireGuardDevice.HeadRoom);
                        if (fromAlice)
                        {
                            alice.Send(bobAtAlice, buffer, WireGuardDevice.HeadRoom, 100);
                        }
                        else
                        {
                            bob.Send(aliceAtBob, buffer, WireGuardDevice.HeadRoom, 100);
                        }
                    }
                }
                catch (Exception e)
                {
                    errors.Enqueue(e);
                }
            }));
        }

        ticker.Start();
        senders.ForEach(t => t.Start());
        senders.ForEach(t => Assert.True(t.Join(TimeSpan.FromSeconds(60))));
        stop.Cancel();
        Assert.True(ticker.Join(TimeSpan.FromSeconds(30)));
        Assert.Empty(errors);

        // Let any queued packets out: a few more ticks and a send each way.
        for (var i = 0; i < 20; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            alice.Tick();
            bob.Tick();
        }

        var expected = threadsPerSide * packetsPerThread;
        Assert.True(alice.Counters.HandshakeInitiationsSent + bob.Counters.HandshakeInitiationsSent >= 2, "expected at least one rekey");
        Assert.Equal(0, alice.Counters.DecryptFailures + bob.Counters.DecryptFailures);
        Assert.Equal(0, alice.Counters.QueueOverflows + bob.Counters.QueueOverflows);
        Assert.Equal(expected + 1, bEvents.Payloads + bob.Counters.Replays);
        Assert.Equal(expected, aEvents.Payloads + alice.Counters.Replays);
        Assert.True(bEvents.Payloads >= expected * 0.99, $"Bob got {bEvents.Payloads} of {expected + 1}");
        Assert.True(aEvents.Payloads >= expected * 0.99, $"Alice got {aEvents.Payloads} of {expected}");
    }

    /// <summary>Delivers each datagram synchronously on the sending thread, from a fresh copy.</summary>
    private sealed class ThreadSafeLink(IPEndPoint self) : IEndpointSender
    {
        public UdpEndpoint Self { get; } = UdpEndpoint.Of(self);

        public (WireGuardDevice Device, UdpEndpoint Endpoint) Peer { get; set; }

        public void Send(ReadOnlySpan<byte> datagram, Endpoint destination)
        {
            if (destination.Equals(Peer.Endpoint))
            {
                Peer.Device.ReceiveDatagram(datagram.ToArray(), Self);
            }
        }
    }

    private sealed class CountingEvents : IWireGuardEvents
    {
        private long payloads;

        public long Payloads => Interlocked.Read(ref payloads);

        public bool AcceptUnknownPeer(ReadOnlySpan<byte> publicKey) => false;

        public bool OnNewSource(WireGuardPeer peer, Endpoint source) => true;


        public void OnPayload(WireGuardPeer peer, Span<byte> payload, Endpoint source) => Interlocked.Increment(ref payloads);

        public void OnSessionEstablished(WireGuardPeer peer, bool weInitiated)
        {
        }
    }
}
