using System.Net;
using Microsoft.Extensions.Logging;
using Weft.Core.Identity;
using Weft.Core.Net;
using Weft.State;
using Xunit;

namespace Weft.Cli.Tests;

/// <summary>peers.json: round trip, private mode, and a damaged file that is logged and ignored, never fatal.</summary>
public class PeerCacheFileTests
{
    [Fact]
    public void Saved_peers_load_back_byte_for_byte_from_a_private_file()
    {
        using var dir = new TempDirectory();
        var logger = new ListLogger();
        var file = new PeerCacheFile(new StateLayout(dir.Path).PeerCache, logger);
        Assert.Empty(file.Load()); // no file yet: an empty cache

        var certificate = SampleCertificate();
        var seen = new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
        file.Save([new CachedPeer(certificate, ["udp [fe80::1%2]:51820", "udp 192.0.2.7:51820"], seen)]);

        Assert.Equal(dir.Combine("peers.json"), file.Path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file.Path));
        var text = File.ReadAllText(file.Path);
        Assert.Contains("\"udp [fe80::1%2]:51820\"", text, StringComparison.Ordinal);
        Assert.Contains("\"version\": 1", text, StringComparison.Ordinal);

        var loaded = Assert.Single(file.Load());
        Assert.Equal(certificate, loaded.Certificate);
        Assert.Equal(["udp [fe80::1%2]:51820", "udp 192.0.2.7:51820"], loaded.Endpoints);
        Assert.Equal(seen, loaded.LastSeen);
        Assert.Empty(logger.Lines);
    }

    [Theory]
    [InlineData("{ this is not json", "not valid JSON")]
    [InlineData("", "not valid JSON")]
    [InlineData("null", "empty")]
    [InlineData("""{ "version": 7, "peers": [] }""", "not a version 1 peer cache")]
    [InlineData("""{ "version": 1 }""", "not a version 1 peer cache")]
    [InlineData("""[1, 2, 3]""", "not valid JSON")]
    public void A_damaged_file_is_logged_and_ignored(string contents, string problem)
    {
        using var dir = new TempDirectory();
        var logger = new ListLogger();
        var path = dir.Combine("peers.json");
        File.WriteAllText(path, contents);
        var file = new PeerCacheFile(path, logger);

        Assert.Empty(file.Load());
        var line = Assert.Single(logger.Lines);
        Assert.Contains(problem, line, StringComparison.Ordinal);
        Assert.Contains(path, line, StringComparison.Ordinal);

        file.Save([]); // and the next save replaces it
        Assert.Empty(file.Load());
    }

    [Fact]
    public void Damaged_entries_are_skipped_and_the_rest_kept()
    {
        using var dir = new TempDirectory();
        var logger = new ListLogger();
        var path = dir.Combine("peers.json");
        var good = Convert.ToBase64String(SampleCertificate());
        File.WriteAllText(path, $$"""
            { "version": 1, "peers": [
              { "certificate": "!!! not base64", "endpoints": ["udp 10.0.0.1:1"], "lastSeen": "2026-11-25T10:00:00Z" },
              null,
              { "endpoints": [] , "lastSeen": "2026-11-25T10:00:00Z" },
              { "certificate": "{{good}}", "endpoints": ["udp 10.0.0.2:51820", "", null], "lastSeen": "2026-11-25T10:00:00Z" }
            ] }
            """);
        var peer = Assert.Single(new PeerCacheFile(path, logger).Load());
        Assert.Equal(["udp 10.0.0.2:51820"], peer.Endpoints);
        Assert.Equal(3, logger.Lines.Count);
    }

    [Fact]
    public void An_unwritable_location_is_logged_not_thrown()
    {
        using var dir = new TempDirectory();
        var logger = new ListLogger();
        var file = new PeerCacheFile(dir.Combine("no-such-dir", "peers.json"), logger);
        file.Save([new CachedPeer(SampleCertificate(), [], DateTimeOffset.UnixEpoch)]);
        Assert.Contains("cannot write the peer cache", Assert.Single(logger.Lines), StringComparison.Ordinal);
    }

    private static byte[] SampleCertificate()
    {
        var time = TimeProvider.System;
        var ca = CertificateAuthority.Create("t", IPNetwork.Parse("100.90.0.0/16"), "t.weft", TimeSpan.FromDays(10), time);
        var keys = NodeKeys.Generate();
        return ca.Sign(JoinRequest.Create(keys, "peer"), "peer", [], [], IPAddress.Parse("100.90.0.2"), TimeSpan.FromDays(1), time.GetUtcNow()).Encode();
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => Lines.Add(formatter(state, exception));
    }
}
