using System.Net;
using Weft.Core.Identity;
using Weft.Core.Net;
using Weft.Core.Paths;
using Weft.Core.Tests.Net;
using Xunit;

namespace Weft.Core.Tests.Paths;

/// <summary>The path choice policy on its own, with hand-made candidate histories (1 tick = 1 ms).</summary>
public class PeerPathsTests
{
    private static readonly PeerPaths.Ticks T = PeerPaths.Ticks.From(PathTimings.Default, 1000);
    private static readonly Endpoint Lan = UdpEndpoint.Of(new IPEndPoint(IPAddress.Parse("192.168.1.2"), 51820));
    private static readonly Endpoint Wan = UdpEndpoint.Of(new IPEndPoint(IPAddress.Parse("203.0.113.2"), 51820));
    private static readonly Endpoint Tls = new FakeStreamConnection(new IPEndPoint(IPAddress.Parse("203.0.113.2"), 443), TransportKind.Tls, true);
    private static readonly Endpoint Tcp = new FakeStreamConnection(new IPEndPoint(IPAddress.Parse("203.0.113.2"), 51820), TransportKind.Tcp, true);
    private static readonly Endpoint Relay = new RelayEndpoint(NodeId.FromBytes(new byte[16]));

    [Fact]
    public void Without_a_path_the_best_class_is_taken()
    {
        var paths = new PeerPaths();
        foreach (var e in new[] { Relay, Tls, Wan, Lan, Tcp })
        {
            paths.Note(e, PathSource.Config, 0, null);
        }

        Assert.Equal(Lan, paths.Choose(null, 0, T));
    }

    [Fact]
    public void A_better_path_is_taken_only_after_two_pongs_in_a_row()
    {
        var paths = new PeerPaths { ChosenAt = 0 };
        paths.Note(Tls, PathSource.Stream, 0, null).RecordPong(0, 30);
        var wan = paths.Note(Wan, PathSource.Config, 0, null);
        Assert.Equal(Tls, paths.Choose(Tls, 100, T));

        wan.RecordPong(1000, 20);
        paths.Find(Tls)!.RecordPong(1000, 30);
        Assert.Equal(Tls, paths.Choose(Tls, 1000, T));

        wan.RecordPong(3000, 20);
        paths.Find(Tls)!.RecordPong(3000, 30);
        Assert.Equal(Wan, paths.Choose(Tls, 3000, T));
    }

    [Fact]
    public void Tcp_beats_tls_and_the_same_rank_needs_a_clear_rtt_margin()
    {
        var paths = new PeerPaths { ChosenAt = 0 };
        var tls = paths.Note(Tls, PathSource.Stream, 0, null);
        var tcp = paths.Note(Tcp, PathSource.Stream, 0, null);
        tls.RecordPong(100, 10);
        tcp.RecordPong(100, 50);
        tcp.RecordPong(200, 50);
        Assert.Equal(Tcp, paths.Choose(Tls, 200, T));

        var same = new PeerPaths { ChosenAt = 0 };
        var a = same.Note(Wan, PathSource.Config, 0, null);
        var b = same.Note(UdpEndpoint.Of(new IPEndPoint(IPAddress.Parse("198.51.100.1"), 1)), PathSource.Roaming, 0, null);
        a.RecordPong(100, 20);
        b.RecordPong(100, 16);
        b.RecordPong(200, 16);
        Assert.Equal(Wan, same.Choose(Wan, 200, T));   // 20 % faster: not worth a move
        for (var i = 0; i < 20; i++)
        {
            b.RecordPong(300 + i, 5);
        }

        Assert.Equal(b.Endpoint, same.Choose(Wan, 400, T));
    }

    [Fact]
    public void A_dead_path_is_left_for_the_best_fresh_one_and_kept_when_nothing_else_works()
    {
        var paths = new PeerPaths { ChosenAt = 0 };
        var lan = paths.Note(Lan, PathSource.Discovery, 0, null);
        var relay = paths.Note(Relay, PathSource.Relay, 0, null);
        var tls = paths.Note(Tls, PathSource.Stream, 0, null);
        lan.RecordPong(10_000, 1);
        relay.RecordPong(9_000, 40);
        tls.RecordPong(1_000, 20);   // too old to count as a fallback at 13 s

        Assert.Equal(Lan, paths.Choose(Lan, 12_900, T));      // 2.9 s of silence: still alive
        Assert.Equal(Relay, paths.Choose(Lan, 13_100, T));    // 3.1 s: dead, and the relay answered lately

        var alone = new PeerPaths { ChosenAt = 0 };
        alone.Note(Wan, PathSource.Config, 0, null).RecordPong(100, 5);
        Assert.Equal(Wan, alone.Choose(Wan, 60_000, T));
    }

    [Fact]
    public void A_freshly_chosen_path_gets_the_dead_time_to_prove_itself()
    {
        var paths = new PeerPaths { ChosenAt = 10_000 };
        paths.Note(Relay, PathSource.Relay, 0, null).RecordPong(9_500, 40);
        paths.Note(Wan, PathSource.Config, 0, null);
        Assert.Equal(Wan, paths.Choose(Wan, 12_000, T));
        Assert.Equal(Relay, paths.Choose(Wan, 13_100, T));
    }

    [Fact]
    public void Probe_intervals_follow_the_role_of_each_candidate()
    {
        var paths = new PeerPaths();
        var tls = paths.Note(Tls, PathSource.Stream, 0, null);
        var wan = paths.Note(Wan, PathSource.Config, 0, null);
        var relay = paths.Note(Relay, PathSource.Relay, 0, null);
        Assert.Equal(T.Active, PeerPaths.ProbeInterval(tls, tls, activeAlive: true, T));
        Assert.Equal(T.Upgrade, PeerPaths.ProbeInterval(wan, tls, activeAlive: true, T));
        Assert.Equal(T.Background, PeerPaths.ProbeInterval(relay, tls, activeAlive: true, T));
        Assert.Equal(T.Active, PeerPaths.ProbeInterval(relay, tls, activeAlive: false, T));
        wan.Unanswered = 5;
        Assert.Equal(T.Failing, PeerPaths.ProbeInterval(wan, tls, activeAlive: true, T));
    }

    [Fact]
    public void Learned_candidates_are_forgotten_but_configured_ones_and_the_one_in_use_stay()
    {
        var paths = new PeerPaths();
        paths.Note(Wan, PathSource.Roaming, 0, null);
        paths.Note(Lan, PathSource.Hello, 0, null);
        paths.Note(Tcp, PathSource.Stream, 0, null);
        paths.Note(UdpEndpoint.Of(new IPEndPoint(IPAddress.Parse("198.51.100.1"), 1)), PathSource.Config, 0, null);
        paths.Expire(Lan, 200_000, T.Forget);
        Assert.Equal(3, paths.Candidates.Count);
        Assert.Null(paths.Find(Wan));
        Assert.NotNull(paths.Find(Lan));
    }

    [Fact]
    public void Without_a_session_the_handshake_target_rotates_best_first()
    {
        var paths = new PeerPaths();
        paths.Note(Relay, PathSource.Relay, 0, null);
        paths.Note(Wan, PathSource.Config, 1, null);
        paths.Note(Tls, PathSource.Stream, 2, null);
        Assert.Equal(Tls, paths.NextForHandshake(Wan));
        Assert.Equal(Relay, paths.NextForHandshake(Tls));
        Assert.Equal(Wan, paths.NextForHandshake(Relay));
    }
}
