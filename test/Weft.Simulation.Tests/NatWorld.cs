using System.Net;

namespace Weft.Simulation.Tests;

/// <summary>
/// The RFC 5780-style test bench: client <c>a</c> (port 5000) behind NAT "nat" on a 20 ms internet,
/// and reflectors on two server addresses: s1:3478, s1:3479, s2:3478.
/// </summary>
internal sealed class NatWorld
{
    public NatWorld(NatBehavior behavior, int seed = 1)
    {
        Net = new SimNetwork(seed, trace: true);
        Internet = Net.AddSegment("internet", latency: TimeSpan.FromMilliseconds(20));
        Nat = Net.AddNatRouter("nat", Internet, behavior);
        A = Nat.Inside.AddHost("a");
        S1 = Internet.AddHost("s1");
        S2 = Internet.AddHost("s2");
        S1Primary = new Reflector(S1, 3478);
        S1OtherPort = new Reflector(S1, 3479);
        S2Primary = new Reflector(S2, 3478);
        Inbox = new Inbox(Net.Clock);
        Socket = A.Bind(5000, Inbox.Handler);
    }

    public SimNetwork Net { get; }

    public Segment Internet { get; }

    public NatRouter Nat { get; }

    public Host A { get; }

    public Host S1 { get; }

    public Host S2 { get; }

    public Reflector S1Primary { get; }

    public Reflector S1OtherPort { get; }

    public Reflector S2Primary { get; }

    public Inbox Inbox { get; }

    public SimSocket Socket { get; }

    /// <summary>Sends a probe to <paramref name="reflector"/> and returns the mapped endpoint it saw, or null if no answer came.</summary>
    public IPEndPoint? Probe(Reflector reflector)
    {
        var before = Inbox.Count;
        Socket.Send("probe"u8, reflector.EndPoint);
        Net.RunFor(TimeSpan.FromSeconds(1));
        for (var i = Inbox.Count - 1; i >= before; i--)
        {
            if (Inbox.Items[i].Text.StartsWith("seen ", StringComparison.Ordinal))
            {
                return IPEndPoint.Parse(Inbox.Items[i].Text["seen ".Length..]);
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="from"/> can reach <paramref name="mapped"/> right now (an unsolicited datagram).</summary>
    public bool Reaches(Reflector from, IPEndPoint mapped, string text)
    {
        from.SendTo(mapped, text);
        Net.RunFor(TimeSpan.FromSeconds(1));
        return Inbox.Texts.Contains(text);
    }
}
