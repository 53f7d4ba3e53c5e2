using System.Net;
using Weft.Core.Nat;
using Weft.Core.Net;
using Weft.Core.Tests.Node;
using Weft.Core.WireGuard;
using Xunit;

namespace Weft.Core.Tests.Nat;

/// <summary>Who may start NAT traversal: only verified members (the simulation tests cover relayed and direct members).</summary>
public class CallMeMaybeGateTests
{
    private static readonly byte[] Request = new CallMeMaybeMessage(CallMeMaybeType.Request, 42, NatMapping.EndpointIndependent, false,
        [new NatCandidate(NatCandidateSource.Reflexive, IPEndPoint.Parse("198.51.100.7:51820"))]).Encode();

    [Fact]
    public void A_plain_WireGuard_peer_cannot_send_call_me_maybe()
    {
        using var mesh = new TestMesh();
        var a = mesh.AddNode("alpha");
        var phoneEndpoint = new IPEndPoint(IPAddress.Loopback, 52001);
        var phonePrivate = new byte[32];
        var phonePublic = new byte[32];
        Weft.Core.Crypto.X25519.GenerateKeyPair(phonePrivate, phonePublic);
        using var phone = new WireGuardDevice(phonePrivate, mesh.Network.DevicePort(phoneEndpoint), mesh.Time, new SilentEvents());
        mesh.Network.Attach(phoneEndpoint, (datagram, source) => phone.ReceiveDatagram(datagram, UdpEndpoint.Of(source)));
        var alphaOnPhone = phone.AddPeer(a.Node.PublicKey, endpoint: UdpEndpoint.Of(a.Endpoint));
        a.Node.AddWireGuardPeer("phone", phonePublic, [IPNetwork.Parse("10.77.0.5/32")], phoneEndpoint);

        TestMesh.Step("the phone sends a call-me-maybe Request inside its session");
        phone.Send(alphaOnPhone, Request);
        mesh.Run(TimeSpan.FromSeconds(1));
        var counters = a.Counters;
        Assert.Equal(0, counters.CallMeMaybeReceived);
        Assert.Equal(1, counters.ControlMessagesMalformed);
        Assert.Equal(0, counters.NatPrimersSent);
        Assert.Equal(0, counters.HolePunchAttempts);
    }

    private sealed class SilentEvents : IWireGuardEvents
    {
        public bool AcceptUnknownPeer(ReadOnlySpan<byte> publicKey) => false;

        public bool OnNewSource(WireGuardPeer peer, Endpoint source) => true;

        public void OnPayload(WireGuardPeer peer, Span<byte> payload, Endpoint source)
        {
        }

        public void OnSessionEstablished(WireGuardPeer peer, bool weInitiated)
        {
        }
    }
}
