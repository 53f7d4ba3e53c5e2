using System.Text;
using Weft.Core.Crypto;

namespace Weft.Core.WireGuard;

/// <summary>
/// The two keys derived from a receiver's static public key for the mac/cookie layer:
/// mac1 key = HASH("mac1----" || pub) and cookie key = HASH("cookie--" || pub).
/// </summary>
internal static class MacKeys
{
    public static byte[] Mac1Key(ReadOnlySpan<byte> receiverPublicKey) => Derive(WireGuardProtocol.LabelMac1, receiverPublicKey);

    public static byte[] CookieKey(ReadOnlySpan<byte> receiverPublicKey) => Derive(WireGuardProtocol.LabelCookie, receiverPublicKey);

    /// <summary>MAC(key, data) = keyed BLAKE2s with a 16-byte digest.</summary>
    public static void Mac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> mac16) => Blake2s.Hash(data, mac16, key);

    private static byte[] Derive(string label, ReadOnlySpan<byte> publicKey)
    {
        var output = new byte[32];
        var hasher = Blake2sHasher.Create(32);
        hasher.Update(Encoding.ASCII.GetBytes(label));
        hasher.Update(publicKey);
        hasher.Finish(output);
        return output;
    }
}
