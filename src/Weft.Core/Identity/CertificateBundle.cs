using Weft.Core.Identity.Internal;

namespace Weft.Core.Identity;

/// <summary>
/// A node certificate together with the CA certificate that issued it: what <c>weft sign</c>
/// prints and <c>weft join --cert FILE</c> installs. Text form: the node certificate block then
/// the CA certificate block. Binary form:
/// <code>
///  offset size  field
///   0      1    format version = 1
///   1      1    kind = 0x04 (bundle)
///   2      2    node certificate length n, big-endian
///   4      n    node certificate
///   .      2    CA certificate length m
///   .      m    CA certificate
/// </code>
/// Parsing checks that the CA issued and signed the node certificate (not the validity period:
/// <see cref="TrustStore.Verify(Certificate, DateTimeOffset)"/> does that with a clock).
/// </summary>
public sealed class CertificateBundle
{
    public CertificateBundle(Certificate node, CaCertificate ca)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(ca);
        Node = node;
        Ca = ca;
    }

    public Certificate Node { get; }

    public CaCertificate Ca { get; }

    public string ToText() =>
        $"# Weft certificate for '{Node.Name}' in mesh '{Ca.MeshName}'. Install it with: weft join --cert FILE\n"
        + Node.ToText() + Ca.ToText();

    public byte[] Encode()
    {
        var w = new WireWriter();
        w.Byte(FormatKind.Version1);
        w.Byte(FormatKind.Bundle);
        w.UInt16(Node.EncodedSpan.Length);
        w.Bytes(Node.EncodedSpan);
        var ca = Ca.Encode();
        w.UInt16(ca.Length);
        w.Bytes(ca);
        return w.ToArray();
    }

    public static bool TryDecode(ReadOnlySpan<byte> bytes, out CertificateBundle? bundle, out string error)
    {
        bundle = null;
        var r = new WireReader(bytes);
        if (!FormatKind.Read(ref r, FormatKind.Bundle)
            || !r.UInt16("node certificate length", out var nodeLength)
            || !r.Bytes("node certificate", nodeLength, out var nodeBytes)
            || !r.UInt16("CA certificate length", out var caLength)
            || !r.Bytes("CA certificate", caLength, out var caBytes)
            || !r.NoTrailingBytes("bundle"))
        {
            error = "not a valid certificate bundle: " + r.Error;
            return false;
        }

        if (!Certificate.TryDecode(nodeBytes, out var node, out error) || !CaCertificate.TryDecode(caBytes, out var ca, out error))
        {
            return false;
        }

        return Check(node!, ca!, out bundle, out error);
    }

    public static bool TryParse(string? text, out CertificateBundle? bundle, out string error)
    {
        bundle = null;
        if (!Armor.TryDecode(text, Armor.Certificate, out var nodeBytes, out error))
        {
            return false;
        }

        if (!Armor.TryDecode(text, Armor.CaCertificate, out var caBytes, out error))
        {
            error = "the bundle has no CA certificate: " + error;
            return false;
        }

        if (!Certificate.TryDecode(nodeBytes, out var node, out error) || !CaCertificate.TryDecode(caBytes, out var ca, out error))
        {
            return false;
        }

        return Check(node!, ca!, out bundle, out error);
    }

    /// <summary>Same as <see cref="TryParse"/> (the name every identity type shares).</summary>
    public static bool TryParseText(string? text, out CertificateBundle? bundle, out string error) => TryParse(text, out bundle, out error);

    public string Describe(DateTimeOffset now)
    {
        var verdict = new TrustStore(Ca).Verify(Node, now);
        return Node.Describe(now)
            + "\n" + Ca.Describe(now)
            + "\n" + new Description().Line("verdict", TrustStore.Describe(verdict));
    }

    private static bool Check(Certificate node, CaCertificate ca, out CertificateBundle? bundle, out string error)
    {
        bundle = null;
        if (!node.IssuerId.AsSpan().SequenceEqual(ca.Id))
        {
            error = $"the certificate was issued by CA {Convert.ToHexStringLower(node.IssuerId)}, not by the bundled CA {ca.IdHex}";
            return false;
        }

        if (!Ed25519Signer.Verify(ca.PublicKey, node.SignedBytes, node.Signature))
        {
            error = TrustStore.Describe(CertificateError.BadSignature);
            return false;
        }

        bundle = new CertificateBundle(node, ca);
        error = "";
        return true;
    }
}
