using System.Net;
using System.Runtime.Versioning;
using Weft.Core.Identity;
using Xunit;

namespace Weft.Core.Tests.Identity;

/// <summary>Private key files: mode 0600, atomic replacement, and clear errors naming the file.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class KeyFileTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("weft-keys-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void NodeKeysRoundTripWithMode0600AndNoTempFileLeft()
    {
        var path = Path.Combine(dir, "node.key");
        var keys = NodeKeys.Generate();
        keys.Save(path);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(["node.key"], Directory.GetFiles(dir).Select(Path.GetFileName));
        var loaded = NodeKeys.Load(path);
        Assert.Equal(keys.SessionPrivateKey, loaded.SessionPrivateKey);
        Assert.Equal(keys.SessionPublicKey, loaded.SessionPublicKey);
        Assert.Equal(keys.SigningPrivateKey, loaded.SigningPrivateKey);
        Assert.Equal(keys.SigningPublicKey, loaded.SigningPublicKey);
        Assert.Equal(keys.NodeId, loaded.NodeId);
        Assert.Contains(keys.NodeId.ToString(), File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Fact]
    public void SavingAgainReplacesTheFileAndTightensItsMode()
    {
        var path = Path.Combine(dir, "node.key");
        File.WriteAllText(path, "old");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var keys = NodeKeys.Generate();
        keys.Save(path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(keys.SessionPublicKey, NodeKeys.Load(path).SessionPublicKey);
        Assert.Single(Directory.GetFiles(dir));
    }

    [Fact]
    public void MissingFileIsAClearError()
    {
        var path = Path.Combine(dir, "absent.key");
        var e = Assert.Throws<KeyFileException>(() => NodeKeys.Load(path));
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
        Assert.False(NodeKeys.TryLoad(path, out var keys, out var error));
        Assert.Null(keys);
        Assert.Contains(path, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TooPermissiveFileIsRefused()
    {
        var path = Path.Combine(dir, "node.key");
        NodeKeys.Generate().Save(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var e = Assert.Throws<KeyFileException>(() => NodeKeys.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("other users", e.Message, StringComparison.Ordinal);
        Assert.Contains("chmod 600", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a key file")]
    [InlineData("-----BEGIN WEFT NODE PRIVATE KEYS-----\nAQ==\n-----END WEFT NODE PRIVATE KEYS-----\n")]
    [InlineData("-----BEGIN WEFT NODE PRIVATE KEYS-----\n%%%%\n-----END WEFT NODE PRIVATE KEYS-----\n")]
    [InlineData("-----BEGIN WEFT CA PRIVATE KEY-----\nARIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n-----END WEFT CA PRIVATE KEY-----\n")]
    public void CorruptFileIsAClearError(string contents)
    {
        var path = Path.Combine(dir, "node.key");
        AtomicFile.Write(path, System.Text.Encoding.UTF8.GetBytes(contents), AtomicFile.Private);
        var e = Assert.Throws<KeyFileException>(() => NodeKeys.Load(path));
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains("corrupt", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedKeyBlockIsAClearError()
    {
        var path = Path.Combine(dir, "node.key");
        var blob = new byte[40];
        blob[0] = 1;
        blob[1] = 0x11;
        var text = "-----BEGIN WEFT NODE PRIVATE KEYS-----\n" + Convert.ToBase64String(blob) + "\n-----END WEFT NODE PRIVATE KEYS-----\n";
        AtomicFile.Write(path, System.Text.Encoding.UTF8.GetBytes(text), AtomicFile.Private);
        var e = Assert.Throws<KeyFileException>(() => NodeKeys.Load(path));
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CaRoundTripsAndStillSigns()
    {
        var path = Path.Combine(dir, "ca.key");
        var mesh = new TestMesh();
        mesh.Ca.Save(path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Single(Directory.GetFiles(dir));

        var loaded = CertificateAuthority.Load(path);
        Assert.Equal(mesh.Ca.Certificate.Encode(), loaded.Certificate.Encode());
        var keys = NodeKeys.Generate();
        var cert = loaded.Sign(JoinRequest.Create(keys, "x"), "x", [], [], IPAddress.Parse("100.90.0.5"), TimeSpan.FromDays(1), mesh.Now);
        Assert.Equal(CertificateError.None, mesh.Trust.Verify(cert, mesh.Now));
    }

    [Fact]
    public void CaFileWithAnotherCasCertificateIsRefused()
    {
        var path = Path.Combine(dir, "ca.key");
        var a = new TestMesh();
        var b = new TestMesh();
        a.Ca.Save(path);
        var text = File.ReadAllText(path);
        var start = text.IndexOf("-----BEGIN WEFT CA CERTIFICATE-----", StringComparison.Ordinal);
        AtomicFile.Write(path, System.Text.Encoding.UTF8.GetBytes(text[..start] + b.Ca.Certificate.ToText()), AtomicFile.Private);
        var e = Assert.Throws<KeyFileException>(() => CertificateAuthority.Load(path));
        Assert.Contains("does not match", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CaFileProblemsNameTheFile()
    {
        var path = Path.Combine(dir, "ca.key");
        Assert.Contains(path, Assert.Throws<KeyFileException>(() => CertificateAuthority.Load(path)).Message, StringComparison.Ordinal);
        new TestMesh().Ca.Save(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        Assert.Contains("other users", Assert.Throws<KeyFileException>(() => CertificateAuthority.Load(path)).Message, StringComparison.Ordinal);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        NodeKeys.Generate().Save(path);
        Assert.Contains("corrupt", Assert.Throws<KeyFileException>(() => CertificateAuthority.Load(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AtomicWriteLeavesNoTempFileWhenItFails()
    {
        var target = Path.Combine(dir, "sub");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "keep"), "x");
        // Renaming a file over a non-empty directory fails: the temp file must be cleaned up.
        Assert.ThrowsAny<IOException>(() => AtomicFile.Write(target, [1, 2, 3], AtomicFile.Private));
        Assert.Empty(Directory.GetFiles(dir));
    }

    [Fact]
    public void AtomicWriteUsesTheGivenMode()
    {
        var path = Path.Combine(dir, "public.txt");
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        AtomicFile.Write(path, [1, 2, 3], mode);
        Assert.Equal(mode, File.GetUnixFileMode(path));
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
    }
}
