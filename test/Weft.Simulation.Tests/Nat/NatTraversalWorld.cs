using System.Net;
using System.Text;
using Weft.Core.Identity;

namespace Weft.Simulation.Tests.Nat;

/// <summary>
/// Two members "a" and "b" behind simulated NAT routers (or one shared NAT), and two public members on a 10 ms
/// internet: "relay" (everyone's static peer, so a–b traffic starts relayed) and "witness" (a second public member,
/// so each side can compare what two members see: its NAT mapping estimate).
/// </summary>
internal sealed class NatTraversalWorld : IDisposable
{
    public NatTraversalWorld(int seed, NatBehavior[] aRouters, NatBehavior[] bRouters, bool sameNat = false, bool trace = false)
    {
        Net = new SimNetwork(seed, trace);
        Ca = CertificateAuthority.Create("sim", IPNetwork.Parse("100.64.0.0/10"), "sim.weft", TimeSpan.FromDays(3650), Net.Clock);
        Internet = Net.AddSegment("internet", latency: TimeSpan.FromMilliseconds(10));
        var relayHost = Internet.AddHost("relay");
        var witnessHost = Internet.AddHost("witness");
        Host aHost;
        Host bHost;
        if (sameNat)
        {
            var home = Net.AddNatRouter("home", Internet, aRouters[0]);
            aHost = home.Inside.AddHost("a");
            bHost = home.Inside.AddHost("b");
        }
        else
        {
            aHost = Net.AddHostBehind("a", Internet, aRouters);
            bHost = Net.AddHostBehind("b", Internet, bRouters);
        }

        Relay = new NatMember(relayHost, Ca, "relay", IPAddress.Parse("100.64.0.1"));
        Witness = new NatMember(witnessHost, Ca, "witness", IPAddress.Parse("100.64.0.2"));
        A = new NatMember(aHost, Ca, "a", IPAddress.Parse("100.64.0.3"));
        B = new NatMember(bHost, Ca, "b", IPAddress.Parse("100.64.0.4"));
        var relay = relayHost.EndPoint(51820);
        var witness = witnessHost.EndPoint(51820);
        Witness.Node.AddStaticPeer(relay);
        foreach (var member in new[] { A, B })
        {
            member.Node.AddStaticPeer(relay);
            member.Node.AddStaticPeer(witness);
        }
    }

    public SimNetwork Net { get; }

    public CertificateAuthority Ca { get; }

    public Segment Internet { get; }

    public NatMember Relay { get; }

    public NatMember Witness { get; }

    public NatMember A { get; }

    public NatMember B { get; }

    /// <summary>a and b know each other through the mesh, and both have heard from relay and witness.</summary>
    public bool Ready =>
        A.Node.GetMeshCounters().ReachableNodes == 3 && B.Node.GetMeshCounters().ReachableNodes == 3
        && new[] { A, B }.All(m => m.Peer("relay")?.Verified == true && m.Peer("witness")?.Verified == true
                                   && m.Peer("relay")?.RttMs is not null && m.Peer("witness")?.RttMs is not null);

    /// <summary>The payload of stream packet <paramref name="seq"/> from <paramref name="from"/>.</summary>
    public static byte[] Payload(string from, int seq) => Encoding.ASCII.GetBytes($"{from} {seq:D6}");

    /// <summary>The sequence numbers of the stream packets <paramref name="to"/> received from <paramref name="from"/>.</summary>
    public static SortedSet<int> Received(NatMember to, NatMember from) =>
        [.. to.ReceivedFrom(from.MeshAddress).Where(p => p.StartsWith(from.Name + " ", StringComparison.Ordinal))
              .Select(p => int.Parse(p[(from.Name.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture))];

    public void Dispose()
    {
        foreach (var member in new[] { A, B, Witness, Relay })
        {
            member.Dispose();
        }
    }
}
