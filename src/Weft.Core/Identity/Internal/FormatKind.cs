namespace Weft.Core.Identity.Internal;

/// <summary>
/// The first two bytes of every identity encoding: format version, then what the object is.
/// Because the kind is inside the signed bytes, a signature over one kind can never be passed
/// off as a signature over another (a join request as a certificate, say).
/// </summary>
internal static class FormatKind
{
    public const byte Version1 = 1;

    public const byte NodeCertificate = 0x01;
    public const byte CaCertificate = 0x02;
    public const byte JoinRequest = 0x03;
    public const byte Bundle = 0x04;
    public const byte NodeKeys = 0x11;
    public const byte CaPrivateKey = 0x12;

    public static string Name(byte kind) => kind switch
    {
        NodeCertificate => "a node certificate",
        CaCertificate => "a CA certificate",
        JoinRequest => "a join request",
        Bundle => "a certificate bundle",
        NodeKeys => "node private keys",
        CaPrivateKey => "a CA private key",
        _ => $"an unknown object (kind {kind})",
    };

    /// <summary>Reads and checks version and kind.</summary>
    public static bool Read(ref WireReader reader, byte expectedKind)
    {
        if (!reader.Byte("version", out var version) || !reader.Byte("kind", out var kind))
        {
            return false;
        }

        if (version != Version1)
        {
            return reader.Fail($"unknown format version {version} (this build reads version {Version1})");
        }

        if (kind != expectedKind)
        {
            return reader.Fail($"this is {Name(kind)}, not {Name(expectedKind)}");
        }

        return true;
    }
}
