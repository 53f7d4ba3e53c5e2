using Weft.Core.Identity;
using Xunit;

namespace Weft.Core.Tests.Identity;

/// <summary>
/// The hello exchange as two nodes run it: the asker knows only host:port, the answerer replies
/// only to members, and every tampered, stale, replayed or misdirected message is refused.
/// </summary>
public class HelloTests
{
    private readonly TestMesh mesh = new();
    private readonly (NodeKeys Keys, Certificate Cert) asker;
    private readonly (NodeKeys Keys, Certificate Cert) answerer;

    public HelloTests()
    {
        asker = mesh.Member("laptop", "100.90.0.2");
        answerer = mesh.Member("server", "100.90.0.3");
    }

    private static byte[] Nonce(byte fill) => Enumerable.Repeat(fill, 16).ToArray();

    private byte[] Request(byte[] nonce, DateTimeOffset? time = null, (NodeKeys Keys, Certificate Cert)? from = null)
    {
        var sender = from ?? asker;
        var buffer = new byte[Hello.MaxSize];
        var length = HelloRequest.Write(buffer, sender.Cert, sender.Keys, nonce, time ?? mesh.Now);
        Assert.Equal(HelloRequest.SizeFor(sender.Cert.Encode().Length), length);
        return buffer[..length];
    }

    private byte[] Reply(byte[] requestNonce, (NodeKeys Keys, Certificate Cert)? from = null)
    {
        var sender = from ?? answerer;
        var buffer = new byte[Hello.MaxSize];
        var length = HelloReply.Write(buffer, sender.Cert, sender.Keys, Nonce(0xBB), requestNonce, mesh.Now);
        return buffer[..length];
    }

    [Fact]
    public void MembersExchangeCertificates()
    {
        var guard = new HelloReplayGuard();
        var requestNonce = Nonce(0xAA);
        var request = Request(requestNonce);
        Assert.Equal([0x57, 0x45, 0x46, 0x01], request[..4]);
        Assert.True(Hello.IsRequest(request));
        Assert.True(Hello.IsHello(request));
        Assert.False(Hello.IsReply(request));

        Assert.True(Hello.TryAcceptRequest(request, mesh.Trust, guard, mesh.Now, out var received, out var error), error);
        Assert.Equal(asker.Cert.Encode(), received!.Certificate.Encode());
        Assert.Equal(requestNonce, received.Nonce);
        Assert.Equal(mesh.Now, received.Timestamp);

        var reply = Reply(received.Nonce);
        Assert.Equal([0x57, 0x45, 0x46, 0x02], reply[..4]);
        Assert.True(Hello.IsReply(reply));
        Assert.True(Hello.TryAcceptReply(reply, mesh.Trust, requestNonce, mesh.Now, out var answer, out error), error);
        Assert.Equal(answerer.Cert.SessionKey, answer!.Certificate.SessionKey);
        Assert.Equal(requestNonce, answer.RequestNonce);
        Assert.Equal(Nonce(0xBB), answer.Nonce);
    }

    [Fact]
    public void TheLargestCertificateFitsInAHello()
    {
        var keys = NodeKeys.Generate();
        var label = new string('g', 63);
        var content = new Weft.Core.Identity.Internal.CertificateContent(
            new string('n', 63), keys.SessionPublicKey, keys.SigningPublicKey, mesh.Ca.Certificate.Id, mesh.Now, mesh.Now + TimeSpan.FromDays(1),
            Ipv6Derivation.NodeAddress(mesh.Ca.Certificate.Ipv6Prefix, keys.SessionPublicKey),
            [.. Enumerable.Range(1, Certificate.MaxIpv4).Select(i => new InterfaceAddress(System.Net.IPAddress.Parse($"100.90.0.{i}"), 16))],
            [.. Enumerable.Range(0, Certificate.MaxSubnets).Select(i => System.Net.IPNetwork.Parse($"fd{i:x2}::/16"))],
            [.. Enumerable.Range(0, Certificate.MaxGroups).Select(i => label[..61] + i.ToString("d2", System.Globalization.CultureInfo.InvariantCulture))],
            [.. Enumerable.Range(0, Certificate.MaxRoles).Select(i => label[..61] + i.ToString("d2", System.Globalization.CultureInfo.InvariantCulture))]);
        var cert = mesh.Ca.Issue(content);
        Assert.Equal(CertificateError.None, mesh.Trust.Verify(cert, mesh.Now));
        Assert.InRange(cert.Encode().Length, 2000, Hello.MaxCertificateSize);
        Assert.InRange(HelloReply.SizeFor(cert.Encode().Length), 0, Hello.MaxSize);

        var buffer = new byte[Hello.MaxSize];
        var length = HelloRequest.Write(buffer, cert, keys, Nonce(3), mesh.Now);
        Assert.True(Hello.TryAcceptRequest(buffer.AsSpan(0, length), mesh.Trust, new HelloReplayGuard(), mesh.Now, out var request, out var error), error);
        Assert.Equal(cert.Encode(), request!.Certificate.Encode());
    }

    [Fact]
    public void NeverLooksLikeWireGuard()
    {
        foreach (var type in new byte[] { 1, 2, 3, 4 })
        {
            Assert.False(Hello.IsHello([type, 0, 0, 0, 1, 2, 3]));
        }

        Assert.False(Hello.IsHello([0x57, 0x45, 0x46]));
        Assert.False(Hello.IsHello([0x57, 0x45, 0x46, 0x03]));
    }

    [Fact]
    public void EveryTamperedByteIsRefused()
    {
        var request = Request(Nonce(1));
        for (var i = 4; i < request.Length; i++)
        {
            var copy = (byte[])request.Clone();
            copy[i] ^= 0x20;
            Assert.False(HelloRequest.TryRead(copy, out var parsed, out var error), $"byte {i} flipped was accepted");
            Assert.Null(parsed);
            Assert.False(string.IsNullOrEmpty(error));
        }

        var reply = Reply(Nonce(1));
        for (var i = 4; i < reply.Length; i++)
        {
            var copy = (byte[])reply.Clone();
            copy[i] ^= 0x01;
            Assert.False(HelloReply.TryRead(copy, out _, out _), $"reply byte {i} flipped was accepted");
        }
    }

    [Fact]
    public void ASignatureByAnotherKeyIsRefused()
    {
        var impostor = NodeKeys.Generate();
        Assert.Throws<ArgumentException>(() => HelloRequest.Write(new byte[Hello.MaxSize], asker.Cert, impostor, Nonce(1), mesh.Now));

        // Splice the impostor's signature onto the asker's certificate by hand.
        var request = Request(Nonce(1));
        var signed = request[..^64];
        var transcript = "weft hello request v1"u8.ToArray().Concat(signed).ToArray();
        var forged = signed.Concat(impostor.Sign(transcript)).ToArray();
        Assert.False(HelloRequest.TryRead(forged, out _, out var error));
        Assert.Contains("signature does not verify with the signing key of 'laptop'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ARequestSignatureCannotBeReusedAsAReply()
    {
        var request = Request(Nonce(1));
        var asReply = (byte[])request.Clone();
        asReply[3] = 0x02;
        Assert.False(HelloReply.TryRead(asReply, out _, out _));
    }

    [Fact]
    public void NonMembersGetNoAnswer()
    {
        var stranger = new TestMesh().Member("stranger", "100.90.0.9");
        var request = Request(Nonce(1), from: stranger);
        Assert.True(HelloRequest.TryRead(request, out _, out _), "well formed and self-consistent");
        Assert.False(Hello.TryAcceptRequest(request, mesh.Trust, new HelloReplayGuard(), mesh.Now, out var accepted, out var error));
        Assert.Null(accepted);
        Assert.Contains("CA this node does not trust", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AnExpiredMemberGetsNoAnswer()
    {
        var shortLived = mesh.Member("temp", "100.90.0.7", validity: TimeSpan.FromHours(1));
        var later = mesh.Now + TimeSpan.FromHours(2);
        var request = Request(Nonce(1), later, shortLived);
        Assert.False(Hello.TryAcceptRequest(request, mesh.Trust, new HelloReplayGuard(), later, out _, out var error));
        Assert.Contains("expired", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ReplaysAndStaleRequestsAreRefused()
    {
        var guard = new HelloReplayGuard();
        var request = Request(Nonce(7));
        Assert.True(Hello.TryAcceptRequest(request, mesh.Trust, guard, mesh.Now, out _, out _));
        Assert.False(Hello.TryAcceptRequest(request, mesh.Trust, guard, mesh.Now + TimeSpan.FromSeconds(5), out _, out var error));
        Assert.Contains("replay", error, StringComparison.Ordinal);
        Assert.Equal(1, guard.RejectedReplay);

        var old = Request(Nonce(8), mesh.Now - TimeSpan.FromMinutes(2) - TimeSpan.FromSeconds(1));
        Assert.False(Hello.TryAcceptRequest(old, mesh.Trust, guard, mesh.Now, out _, out error));
        Assert.Contains("too old", error, StringComparison.Ordinal);
        var future = Request(Nonce(9), mesh.Now + TimeSpan.FromMinutes(3));
        Assert.False(Hello.TryAcceptRequest(future, mesh.Trust, guard, mesh.Now, out _, out error));
        Assert.Contains("future", error, StringComparison.Ordinal);
        Assert.Equal(2, guard.RejectedStale);

        var edge = Request(Nonce(10), mesh.Now - TimeSpan.FromMinutes(2));
        Assert.True(Hello.TryAcceptRequest(edge, mesh.Trust, guard, mesh.Now, out _, out error), error);
    }

    [Fact]
    public void ReplayGuardForgetsOnlyWhatTheClockRefusesAnyway()
    {
        var guard = new HelloReplayGuard(capacity: 3);
        var now = mesh.Now;
        Assert.True(guard.TryAccept(Nonce(1), now, now, out _));
        Assert.True(guard.TryAccept(Nonce(2), now, now, out _));
        Assert.True(guard.TryAccept(Nonce(3), now, now, out _));
        Assert.False(guard.TryAccept(Nonce(4), now, now, out var error));
        Assert.Contains("too many", error, StringComparison.Ordinal);
        Assert.False(guard.TryAccept(Nonce(1), now, now + TimeSpan.FromMinutes(1), out error));
        Assert.Contains("replay", error, StringComparison.Ordinal);

        var later = now + TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1);
        Assert.True(guard.TryAccept(Nonce(4), later, later, out error), error);
        Assert.Equal(1, guard.Count);
        Assert.False(guard.TryAccept(Nonce(1), now, later, out error)); // its timestamp is stale now
        Assert.Contains("too old", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AReplyToSomeoneElsesRequestIsRefused()
    {
        var reply = Reply(Nonce(0x11));
        Assert.False(Hello.TryAcceptReply(reply, mesh.Trust, Nonce(0x22), mesh.Now, out var accepted, out var error));
        Assert.Null(accepted);
        Assert.Contains("nonce mismatch", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AReplyFromANonMemberIsRefused()
    {
        var stranger = new TestMesh().Member("stranger", "100.90.0.9");
        var reply = Reply(Nonce(1), stranger);
        Assert.False(Hello.TryAcceptReply(reply, mesh.Trust, Nonce(1), mesh.Now, out _, out var error));
        Assert.Contains("does not trust", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedAndPaddedHellosAreErrors()
    {
        var request = Request(Nonce(1));
        for (var length = 0; length < request.Length; length++)
        {
            Assert.False(HelloRequest.TryRead(request.AsSpan(0, length), out _, out var error));
            Assert.False(string.IsNullOrEmpty(error));
        }

        Assert.False(HelloRequest.TryRead([.. request, 0], out _, out var trailing));
        Assert.Contains("trailing", trailing, StringComparison.Ordinal);
        var reply = Reply(Nonce(1));
        for (var length = 0; length < reply.Length; length++)
        {
            Assert.False(HelloReply.TryRead(reply.AsSpan(0, length), out _, out _));
        }
    }
}
